#include "process_session.hpp"

#include <string>

#include "com/com_platform.hpp"
#include "core/errors.hpp"
#include "win_error.hpp"

namespace pysens2 {

std::uint32_t session_of_process(std::uint32_t pid) {
    DWORD session = 0;
    if (!ProcessIdToSessionId(pid, &session)) {
        const HRESULT hr = HRESULT_FROM_WIN32(GetLastError());
        throw ComError("ProcessIdToSessionId(" + std::to_string(pid) + ") failed: " +
                           hresult_hex(hr) +
                           " (sessions='own' needs this process's session; sessions='all' "
                           "does not)",
                       static_cast<std::uint32_t>(hr), system_message(hr));
    }
    return session;
}

std::uint32_t own_session_id() { return session_of_process(GetCurrentProcessId()); }

}  // namespace pysens2
