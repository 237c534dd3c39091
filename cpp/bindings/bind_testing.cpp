// Test hooks behind pysens2.testing: they call the live sink objects through
// their real COM interfaces (vtable, or GetIDsOfNames + Invoke) from native
// threads, as the COM+ Event System would.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <deque>
#include <string>
#include <thread>
#include <vector>

#include "bindings.hpp"
#include "backends/simulated/simulated_backend.hpp"
#ifdef PYSENS2_HAVE_LOGIND
#include "backends/logind/sd_bus_api.hpp"
#endif
#include "com/sink.hpp"
#include "producers.hpp"
#include "native_monitor.hpp"

namespace pysens2 {

namespace {

// A BSTR from UTF-16LE bytes (None: a NULL BSTR).
Bstr bstr_from_utf16le(const py::object& utf16le) {
    if (utf16le.is_none()) return Bstr();
    std::string bytes = py::cast<py::bytes>(utf16le);
    if (bytes.size() % 2) throw py::value_error("UTF-16LE data must have an even length");
    Bstr b(reinterpret_cast<const OLECHAR*>(bytes.data()), bytes.size() / 2);
    if (!b.get()) throw std::bad_alloc();
    return b;
}

// Runs `fn` on a fresh native thread with the GIL released, and waits.
template <class Fn>
void on_native_thread(Fn&& fn) {
    run_producers(1, [&](std::size_t) { fn(); });
}

// VARIANTs built from (vt, value) pairs; owns everything they point at.
class VariantArgs {
public:
    explicit VariantArgs(const py::list& specs) {
        for (const auto& spec : specs) args_.push_back(build(py::reinterpret_borrow<py::object>(spec)));
    }
    VariantArgs(const VariantArgs&) = delete;
    VariantArgs& operator=(const VariantArgs&) = delete;
    std::vector<VARIANT>& args() { return args_; }

private:
    VARIANT build(const py::object& spec) {
        auto pair = spec.cast<py::tuple>();
        if (pair.size() != 2) throw py::value_error("a VARIANT spec is a (vt, value) pair");
        const auto vt = pair[0].cast<std::uint16_t>();
        py::object value = pair[1];
        VARIANT v;
        VariantInit(&v);
        const VARTYPE base = vt & VT_TYPEMASK;
        if (vt & VT_BYREF) {
            if (value.is_none()) {
                v.vt = vt;
                v.byref = nullptr;
                return v;
            }
            if (base == VT_VARIANT) {
                storage_.push_back(build(value));
            } else {
                storage_.push_back(build(py::make_tuple(base, value)));
            }
            VARIANT& target = storage_.back();
            // Every union member starts at the same address; DECIMAL overlays
            // the whole VARIANT, and VT_VARIANT points at the VARIANT itself.
            if (base == VT_VARIANT) v.pvarVal = &target;
            else if (base == VT_DECIMAL) v.pdecVal = &target.decVal;
            else v.byref = &target.llVal;
            v.vt = vt;
            return v;
        }
        switch (base) {
            case VT_EMPTY:
            case VT_NULL: break;
            case VT_BSTR:
                bstrs_.push_back(bstr_from_utf16le(value));
                v.bstrVal = bstrs_.back().get();
                break;
            case VT_R4: v.fltVal = value.cast<float>(); break;
            case VT_R8: v.dblVal = value.cast<double>(); break;
            case VT_DATE: v.date = value.cast<double>(); break;
            case VT_DECIMAL: {
                auto t = value.cast<py::tuple>();
                if (t.size() != 4) throw py::value_error("VT_DECIMAL value is (scale, sign, hi32, lo64)");
                DECIMAL d{};
                d.scale = t[0].cast<BYTE>();
                d.sign = t[1].cast<BYTE>();
                d.Hi32 = t[2].cast<ULONG>();
                d.Lo64 = t[3].cast<ULONGLONG>();
                v.decVal = d;
                break;
            }
            case VT_DISPATCH:
            case VT_UNKNOWN:
                if (!value.is_none()) throw py::value_error("VT_DISPATCH/VT_UNKNOWN take None only");
                v.punkVal = nullptr;
                break;
            default: {
                // Integers (and any other VARTYPE, valid or not) take raw bits.
                if (!py::isinstance<py::int_>(value))
                    throw py::type_error("VARTYPE " + std::to_string(vt) + " takes an int value");
                v.ullVal = PyLong_AsUnsignedLongLongMask(value.ptr());
                if (PyErr_Occurred()) throw py::error_already_set();
                break;
            }
        }
        v.vt = vt;
        return v;
    }

    std::vector<VARIANT> args_;
    std::deque<VARIANT> storage_;  // stable addresses for VT_BYREF targets
    std::vector<Bstr> bstrs_;  // moving a Bstr keeps its BSTR
};

SensInterface iface_of(int index) {
    if (index == 0) return SensInterface::Logon;
    if (index == 1) return SensInterface::Logon2;
    throw py::value_error("interface must be 0 (ISensLogon) or 1 (ISensLogon2)");
}

GUID parse_iid(const std::string& text) {
    GUID g;
    if (!guid_from_string(text, g))
        throw py::value_error("not a GUID: '" + text + "' (expected {XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX})");
    return g;
}

}  // namespace

void bind_testing(py::module_& m) {
    m.def("fire",
          [](NativeMonitor& mon, int source, py::object user_utf16le, std::uint32_t session,
             const std::string& via) {
              SinkCall call = sink_call_for(via);
              Source src = checked_source(source);
              SinkPair sinks = sinks_of(mon);
              Bstr user = bstr_from_utf16le(user_utf16le);
              HRESULT hr = S_OK;
              on_native_thread([&] { hr = call(sinks, src, user.get(), session); });
              return static_cast<std::uint32_t>(hr);
          },
          py::arg("monitor"), py::arg("source"), py::arg("user_utf16le"), py::arg("session_id"),
          py::arg("via"));

    m.def("fire_burst",
          [](NativeMonitor& mon, int source, std::size_t threads, std::size_t count,
             const std::string& via) {
              SinkCall call = sink_call_for(via);
              Source src = checked_source(source);
              SinkPair sinks = sinks_of(mon);
              fire_from_threads(sinks, src, call, threads, count, 0.0);
          },
          py::arg("monitor"), py::arg("source"), py::arg("threads"), py::arg("count"),
          py::arg("via"));

    m.def("invoke",
          [](NativeMonitor& mon, int iface, std::int32_t dispid, py::list specs, std::uint16_t flags,
             std::vector<DISPID> named, std::optional<std::string> iid) {
              SinkPair sinks = sinks_of(mon);
              IDispatch* d = sinks.dispatch(iface_of(iface));
              VariantArgs args(specs);
              GUID riid = iid ? parse_iid(*iid) : IID_NULL;
              DISPPARAMS params{args.args().data(), named.empty() ? nullptr : named.data(),
                                static_cast<UINT>(args.args().size()),
                                static_cast<UINT>(named.size())};
              UINT arg_err = 0xFFFFFFFFu;
              HRESULT hr = S_OK;
              on_native_thread([&] {
                  VARIANT result;
                  VariantInit(&result);
                  hr = d->Invoke(dispid, riid, 0, flags, &params, &result, nullptr, &arg_err);
                  VariantClear(&result);
              });
              py::object err = arg_err == 0xFFFFFFFFu ? py::object(py::none()) : py::int_(arg_err);
              return py::make_tuple(static_cast<std::uint32_t>(hr), err);
          },
          py::arg("monitor"), py::arg("interface"), py::arg("dispid"), py::arg("args"),
          py::arg("flags"), py::arg("named"), py::arg("iid"));

    m.def("get_ids_of_names",
          [](NativeMonitor& mon, int iface, std::vector<std::u16string> names,
             std::optional<std::string> iid) {
              SinkPair sinks = sinks_of(mon);
              IDispatch* d = sinks.dispatch(iface_of(iface));
              std::vector<LPOLESTR> ptrs;
              for (auto& n : names) ptrs.push_back(reinterpret_cast<LPOLESTR>(n.data()));
              std::vector<DISPID> ids(names.size(), 0);
              GUID riid = iid ? parse_iid(*iid) : IID_NULL;
              HRESULT hr = d->GetIDsOfNames(riid, ptrs.data(), static_cast<UINT>(ptrs.size()), 0,
                                            ids.data());
              return py::make_tuple(static_cast<std::uint32_t>(hr), ids);
          },
          py::arg("monitor"), py::arg("interface"), py::arg("names"), py::arg("iid"));

    m.def("query_interface",
          [](NativeMonitor& mon, int iface, const std::string& iid) {
              SinkPair sinks = sinks_of(mon);
              IUnknown* obj = sinks.dispatch(iface_of(iface));
              GUID g = parse_iid(iid);
              void* p = reinterpret_cast<void*>(1);
              HRESULT hr = obj->QueryInterface(g, &p);
              bool same_identity = false;
              if (SUCCEEDED(hr)) {
                  void* unk = nullptr;
                  static_cast<IUnknown*>(p)->QueryInterface(IID_IUnknown, &unk);
                  void* own = nullptr;
                  obj->QueryInterface(IID_IUnknown, &own);
                  same_identity = unk == own;
                  static_cast<IUnknown*>(unk)->Release();
                  static_cast<IUnknown*>(own)->Release();
                  static_cast<IUnknown*>(p)->Release();
              }
              return py::make_tuple(static_cast<std::uint32_t>(hr), p == nullptr, same_identity);
          },
          py::arg("monitor"), py::arg("interface"), py::arg("iid"));

    m.def("sink_refcount",
          [](NativeMonitor& mon, int iface) {
              SinkPair sinks = sinks_of(mon);  // holds one reference itself
              IUnknown* obj = sinks.dispatch(iface_of(iface));
              obj->AddRef();
              return obj->Release() - 1;
          },
          py::arg("monitor"), py::arg("interface"));

    m.def("live_sinks", [] { return SinkCore::live_count(); });
#ifdef PYSENS2_HAVE_LOGIND
    m.def("use_sd_bus_library_for_testing",
          [](const std::string& soname) { sdbus::set_library_for_testing(soname.c_str()); },
          py::arg("soname"), "Where the logind backend looks for sd-bus (tests of a missing one).");
#endif
    m.def("source_names", [] {
        py::list out;
        for (const auto& s : kSources) out.append(std::string(s.name));
        return out;
    });
    m.def("source_index", [](const std::string& name, int type) {
        if (type < 0 || type >= static_cast<int>(kEventTypeCount))
            throw py::value_error("event type index out of range");
        auto s = source_named(name, static_cast<EventType>(type));
        if (!s) throw py::value_error("no source '" + name + "' for that event type");
        return static_cast<int>(*s);
    }, py::arg("name"), py::arg("type"));
    m.def("sens_source", [](int type) -> std::optional<int> {
        if (type < 0 || type >= static_cast<int>(kEventTypeCount))
            throw py::value_error("event type index out of range");
        auto s = sens_source_for(static_cast<EventType>(type));
        if (!s) return std::nullopt;
        return static_cast<int>(*s);
    });
    m.def("inject",
          [](NativeMonitor& mon, int source, const std::string& user, const std::string& domain,
             const std::string& seat, py::object session, std::uint32_t code) {
              auto* sim = dynamic_cast<SimulatedBackend*>(&mon.core().running_backend());
              if (!sim)
                  throw py::value_error("only the simulated backend takes events from "
                                        "pysens2.testing this way, not '" +
                                        std::string(mon.core().backend_name()) + "'");
              Event e;
              e.monotonic_ns = monotonic_now_ns();
              e.source = checked_source(source);
              e.code = code;
              e.user = user;
              e.domain = domain;
              e.seat = seat;
              e.has_session = !session.is_none();
              if (py::isinstance<py::str>(session)) e.session_name = session.cast<std::string>();
              else if (e.has_session) e.session_id = session.cast<std::uint32_t>();
              if (!sim->inject(std::move(e)))
                  throw py::value_error("the monitor is not running; call start() first");
          },
          py::arg("monitor"), py::arg("source"), py::arg("user"), py::arg("domain"),
          py::arg("seat"), py::arg("session_id"), py::arg("code"));
}

}  // namespace pysens2
