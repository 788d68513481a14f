// The smallest whole use of tickwire::net in a browser: a channel to the
// echo server named by the page's ?url=, one message there and back, then a
// clean close. The page shows the outcome and sets window.tickwireTest =
// {done, ok} (tests/foundation loads it in a browser).
//
// Thread: the page's main thread; the frame loop is the game thread, as in a game.

#include <emscripten/emscripten.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include <tickwire/net.hpp>

namespace net = tickwire::net;

namespace {

constexpr std::string_view kHello = "hello from an installed tickwire, in a browser";

std::optional<net::Channel> g_channel;
net::Event g_event;
bool g_echoed = false;

// Shows the outcome on the page and tells a test runner it is done.
void publish(bool ok, std::uint16_t close_code) {
    const std::string outcome = std::string(ok ? "echoed" : "failed") + ", closed " + std::to_string(close_code);
    const std::string script = "document.getElementById('result').textContent = '" + outcome +
                               "'; window.tickwireTest = {done: true, ok: " + (ok ? "true" : "false") + "};";
    emscripten_run_script(script.c_str());
}

void frame() {
    if (!g_channel) return;
    while (g_channel->stream().poll(g_event)) {
        switch (g_event.type) {
        case net::EventType::opened:
            g_channel->sink().add(std::as_bytes(std::span(kHello.data(), kHello.size())));
            g_channel->sink().flush();
            break;
        case net::EventType::message:
            g_echoed = g_event.message.text() == kHello;
            g_channel->sink().close();  // 1000
            g_channel->sink().flush();
            break;
        case net::EventType::closed: {
            publish(g_echoed && g_event.close_code == net::close_code::normal, g_event.close_code);
            g_channel.reset();
            return;
        }
        case net::EventType::error:
        case net::EventType::reconnecting:
        case net::EventType::resumed: break;
        }
    }
}

}  // namespace

int main() {
    const std::string url = emscripten_run_script_string("new URLSearchParams(location.search).get('url') || ''");
    g_channel.emplace(net::Channel::connect(url));
    emscripten_set_main_loop(frame, 0, EM_FALSE);
    return 0;
}
