#pragma once
// http_get: one blocking HTTP/1.1 GET over a plain socket, for servers' status
// endpoints (tickwire-server's /status, the Colyseus peer's /status). Not for
// the measured traffic.
//
// Thread: any.

#include <optional>
#include <string>
#include <string_view>

namespace tickwire::load {

/// GET http://HOST:PORT/PATH; the body of a 200 answer, nullopt otherwise
/// (no connection, other status, timeout after ~2 s).
std::optional<std::string> http_get(std::string_view url);

/// The number after "key": in a flat JSON object; nullopt if absent. Enough
/// for the status endpoints' numeric fields; not a JSON parser.
std::optional<double> json_number(std::string_view json, std::string_view key);

}  // namespace tickwire::load
