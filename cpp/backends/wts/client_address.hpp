// WTS_CLIENT_ADDRESS as text: plain C++, so it is tested on every platform.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace pysens2 {

inline constexpr std::uint32_t kAfInet = 2;    // AF_INET
inline constexpr std::uint32_t kAfInet6 = 23;  // AF_INET6 on Windows

// "192.168.0.1" or "fe80::1" (RFC 5952: lower case, the longest run of
// zero groups as "::"); nullopt for other families and AF_UNSPEC. For
// AF_INET the address starts two bytes into Address[20]; for AF_INET6 at
// its start (Microsoft's WTS_CLIENT_ADDRESS page).
std::optional<std::string> format_client_address(std::uint32_t family,
                                                  const std::uint8_t (&address)[20]);

}  // namespace pysens2
