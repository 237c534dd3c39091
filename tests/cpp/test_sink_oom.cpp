// Out of memory inside the sink's COM methods: the call returns an HRESULT,
// the event is counted as dropped, and the process goes on. Its own program,
// because it replaces the global operator new (not under sanitizers, whose
// runtimes own the allocator).
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <cstdlib>
#include <new>

#include "com/sink.hpp"
#include "helpers.hpp"

namespace {
thread_local bool g_fail_allocations = false;
}

void* operator new(std::size_t size) {
    if (g_fail_allocations) throw std::bad_alloc();
    if (void* p = std::malloc(size ? size : 1)) return p;
    throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

using namespace pysens2;

namespace {

struct FailingAllocations {
    FailingAllocations() { g_fail_allocations = true; }
    ~FailingAllocations() { g_fail_allocations = false; }
};

}  // namespace

TEST_CASE("an event that cannot be allocated is dropped and counted, never thrown") {
    auto queue = std::make_shared<EventQueue>(16);
    SinkPair sinks = make_sinks(EventInlet(queue, EventFilter{}));
    test::Bstr user(std::u16string(u"a user name long enough to need the heap, not SSO"));
    HRESULT by_vtable = S_OK, by_dispatch = S_OK;
    {
        FailingAllocations oom;
        by_vtable = sinks.logon2->Logon(user.get(), 3);
        VARIANT args[2];
        VariantInit(&args[0]);
        VariantInit(&args[1]);
        args[0].vt = VT_UI4;
        args[0].ulVal = 3;
        args[1].vt = VT_BSTR;
        args[1].bstrVal = user.get();
        DISPPARAMS params{args, nullptr, 2, 0};
        by_dispatch = sinks.logon2->Invoke(1, IID_NULL, 0, DISPATCH_METHOD, &params, nullptr,
                                           nullptr, nullptr);
    }
    CHECK(by_vtable == E_OUTOFMEMORY);
    CHECK(by_dispatch == E_OUTOFMEMORY);
    CHECK(queue->dropped() == 2);
    CHECK(queue->size() == 0);
    // Memory is back: the next event is queued as usual.
    CHECK(sinks.logon2->Logon(user.get(), 3) == S_OK);
    CHECK(queue->size() == 1);
}

TEST_CASE("the queue itself running out of memory counts a drop") {
    EventQueue queue(1000);
    int failed = 0;
    {
        FailingAllocations oom;
        // The deque allocates a block now and then: some of these need one.
        for (int i = 0; i < 200; ++i) {
            Event e;
            e.source = Source::Logon_DisplayLock;
            if (!queue.push(std::move(e))) ++failed;
        }
    }
    CHECK(failed > 0);
    CHECK(queue.dropped() == static_cast<std::uint64_t>(failed));
    CHECK(queue.size() == static_cast<std::size_t>(200 - failed));
}
