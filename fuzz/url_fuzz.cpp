// Fuzz target: net's ws:// / wss:// URL parser and request-target splitter
// (net/src/url.hpp): URLs come from command lines and config, targets from
// every upgrade request the server reads.
#include <cstdint>
#include <string_view>

#include "url.hpp"

namespace {
volatile std::size_t g_sink;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    if (const auto url = tickwire::net::detail::parse_ws_url(text)) {
        g_sink = url->host.size() + url->port.size() + url->target.size();
        if (url->target.empty() || url->target.front() != '/') __builtin_trap();  // the documented promise
    }
    const auto [path, query] = tickwire::net::detail::split_target(text);
    if (path.size() + query.size() > text.size()) __builtin_trap();
    g_sink = path.size() + query.size();
    return 0;
}
