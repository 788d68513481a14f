#pragma once
// Parsing of ws:// and wss:// URLs into what the connect path needs.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tickwire::net::detail {

struct WsUrl {
    bool secure = false;
    std::string host;    ///< without brackets for IPv6 literals
    std::string port;    ///< decimal; defaults 80 / 443
    std::string target;  ///< path plus "?query", at least "/"
};

/// Any thread. nullopt for anything but a well-formed ws/wss URL.
std::optional<WsUrl> parse_ws_url(std::string_view url);

/// Splits a request target into path and query (without the '?').
std::pair<std::string_view, std::string_view> split_target(std::string_view target) noexcept;

}  // namespace tickwire::net::detail
