#include "fork_guard.hpp"

#include <atomic>

#ifndef _WIN32
#include <pthread.h>
#endif

namespace pysens2 {

namespace {
std::atomic<unsigned> g_generation{0};
}

void install_fork_handler() {
#ifndef _WIN32
    static const int installed = pthread_atfork(nullptr, nullptr, [] { ++g_generation; });
    (void)installed;
#endif
}

unsigned fork_generation() { return g_generation.load(); }

}  // namespace pysens2
