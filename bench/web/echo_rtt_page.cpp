// echo_rtt: the page side of bench/web — the closed loop of echo_rtt.hpp with
// the browser backend's Channel, against a tickwire-echo at ?url=.
//
//   echo_rtt.html?url=ws://127.0.0.1:PORT/&size=32&messages=2000&warmup=200&poll=busy|frame
//
// poll=busy steps the loop from a setImmediate loop (as fast as the page's
// event loop turns: the transport's own latency); poll=frame once per
// animation frame, as a game does (adds up to a frame). The result goes to
// window.tickwireTest (run_page.js prints it); bench/web/run.sh runs it.
//
// Thread: the page's main thread.

#include <emscripten/emscripten.h>
#include <emscripten/eventloop.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "echo_rtt.hpp"

namespace {

std::unique_ptr<tickwire::bench::EchoRtt> g_run;
double g_main_ms = 0;  // performance.now() when main() started: navigation start is 0

std::string query(const char* name, const char* fallback) {
    const std::string script = std::string("new URLSearchParams(location.search).get('") + name + "') || '" + fallback + "'";
    return emscripten_run_script_string(script.c_str());
}

void publish() {
    const auto r = g_run->result();
    char json[512];
    std::snprintf(json, sizeof json,
                  "window.tickwireTest = {done: true, ok: %s, open_ms: %.1f, load_to_open_ms: %.1f, round_trips: %zu, "
                  "p50_us: %.0f, p90_us: %.0f, p99_us: %.0f, max_us: %.0f, mean_us: %.0f};",
                  r.failure.empty() ? "true" : "false", r.open_ms, g_main_ms + r.open_ms, r.round_trips, r.p50_us,
                  r.p90_us, r.p99_us, r.max_us, r.mean_us);
    emscripten_run_script(json);
    if (!r.failure.empty()) std::printf("echo_rtt failed: %s\n", r.failure.c_str());
}

EM_BOOL busy_step(void*) {
    if (!g_run->step()) return EM_TRUE;
    publish();
    return EM_FALSE;
}

void frame_step() {
    if (!g_run->step()) return;
    publish();
    emscripten_cancel_main_loop();
}

}  // namespace

int main() {
    g_main_ms = emscripten_get_now();
    tickwire::bench::EchoRttConfig config;
    config.size = std::strtoul(query("size", "32").c_str(), nullptr, 10);
    config.messages = std::strtoul(query("messages", "2000").c_str(), nullptr, 10);
    config.warmup = std::strtoul(query("warmup", "200").c_str(), nullptr, 10);
    g_run = std::make_unique<tickwire::bench::EchoRtt>(query("url", ""), config);
    if (query("poll", "busy") == "frame")
        emscripten_set_main_loop(frame_step, 0, EM_FALSE);
    else
        emscripten_set_immediate_loop(busy_step, nullptr);
    return 0;
}
