// Fuzz target: net's URL parser (ws/wss, http/https, redis/rediss) and request-target
// splitter (tickwire/net/url.hpp): URLs come from command lines and config,
// targets from every upgrade request the server reads.
#include <cstdint>
#include <string_view>

#include "tickwire/net/url.hpp"

namespace {
volatile std::size_t g_sink;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    for (const auto& url : {tickwire::net::parse_ws_url(text), tickwire::net::parse_http_url(text),
                            tickwire::net::parse_redis_url(text)}) {
        if (!url) continue;
        g_sink = url->host.size() + url->port.size() + url->target.size();
        if (url->target.empty() || url->target.front() != '/') __builtin_trap();  // the documented promise
        if (url->target.find('#') != std::string::npos) __builtin_trap();      // fragments never reach a server
    }
    const auto [path, query] = tickwire::net::split_target(text);
    if (path.size() + query.size() > text.size()) __builtin_trap();
    g_sink = path.size() + query.size();
    return 0;
}
