#pragma once
// http_get: one blocking HTTP/1.1 GET with Beast's client, for servers' status
// endpoints (tickwire-server's /status, the Colyseus peer's /status), and
// their JSON read with Boost.JSON. Not for the measured traffic.
//
// Thread: any.

#include <optional>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

namespace tickwire::load {

/// GET http://HOST:PORT/PATH (net's URL parser); the body of a 200 answer,
/// nullopt otherwise (bad URL, https, no connection, other status, or no
/// complete answer within ~2 s).
std::optional<std::string> http_get(std::string_view url);

/// `text` as a JSON object; nullopt if it is not one.
std::optional<boost::json::object> json_object(std::string_view text);

/// The number under `key`; nullopt if absent or not a number.
std::optional<double> json_number(const boost::json::object& object, std::string_view key);

}  // namespace tickwire::load
