#pragma once
// URL parsing for what tickwire connects to: ws:// and wss:// (channels),
// http:// and https:// (a server's status endpoints, matchmaking), redis://
// and rediss:// (the fleet's room directory), and request
// targets as a server reads them. One parser, fuzzed (fuzz/url_fuzz.cpp).
//
// Thread: pure functions, any thread.

#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace tickwire::net {

struct Url {
    bool secure = false;  ///< wss:// or https://
    std::string host;     ///< without brackets for IPv6 literals
    std::string port;     ///< decimal, 1..65535; defaults 80 / 443 (redis: 6379)
    std::string target;   ///< path plus "?query", at least "/"; never a fragment
};

/// nullopt for anything but a well-formed ws:// or wss:// URL (scheme in any
/// case; no user info; a port, if given, in 1..65535).
[[nodiscard]] std::optional<Url> parse_ws_url(std::string_view url);

/// The same rules for http:// and https://.
[[nodiscard]] std::optional<Url> parse_http_url(std::string_view url);

/// The same rules for redis:// and rediss:// (secure); the port defaults to 6379.
/// What the target may hold (a database number) is the caller's to judge.
[[nodiscard]] std::optional<Url> parse_redis_url(std::string_view url);

/// Splits a request target into path and query (without the '?').
[[nodiscard]] std::pair<std::string_view, std::string_view> split_target(std::string_view target) noexcept;

/// The value of `key` in a query ("a=1&ticket=T", "ticket" -> "T"), as sent
/// (not percent-decoded); the first non-empty one when repeated; empty when
/// absent or empty.
[[nodiscard]] std::string_view query_value(std::string_view query, std::string_view key) noexcept;

}  // namespace tickwire::net
