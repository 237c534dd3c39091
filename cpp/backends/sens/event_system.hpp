// The COM+ Event System interfaces (eventsys.h) and their identifiers,
// defined once in event_system.cpp: mingw-w64 declares but defines none.
#pragma once

#include "com/com_platform.hpp"

#include <eventsys.h>

#include <string>

#include "backends/windows/win_error.hpp"

namespace pysens2 {

extern const GUID kCLSID_CEventSystem;
extern const GUID kIID_IEventSystem;
extern const GUID kCLSID_CEventSubscription;
extern const GUID kIID_IEventSubscription;

// ProgID the Event System stores subscriptions under.
inline constexpr const wchar_t* kSubscriptionProgId = L"EventSystem.EventSubscription";

std::wstring widen(const std::string& ascii);

}  // namespace pysens2
