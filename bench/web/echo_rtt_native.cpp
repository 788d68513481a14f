// tickwire-bench-web-echo: the native side of bench/web — the closed loop of
// echo_rtt.hpp with a native Channel, polled in a busy loop (as the page's
// busy mode polls), against a tickwire-echo at --url. bench/web/run.sh runs
// it beside the page.
//
//   tickwire-bench-web-echo --url ws://127.0.0.1:PORT/ [--messages 2000] [--warmup 200] [--size 32]
//
// Prints one JSON object: open_ms, round_trips, p50_us, p90_us, p99_us, max_us, mean_us.
// Exit status 1 if an echo was wrong or the channel closed early.
//
// Thread: the main thread is the game thread; the Channel has its own network thread.

#include <cstdio>
#include <string>

#include "echo_rtt.hpp"
#include "tickwire/cli.hpp"

int main(int argc, char** argv) {
    std::string url;
    tickwire::bench::EchoRttConfig config;
    CLI::App app{"Echo round trips through a native Channel to tickwire-echo (bench/web).", "tickwire-bench-web-echo"};
    app.add_option("--url", url, "the echo server (required)");
    app.add_option("--messages", config.messages, "timed round trips")->capture_default_str();
    app.add_option("--warmup", config.warmup, "untimed round trips first")->capture_default_str();
    app.add_option("--size", config.size, "bytes per message")->capture_default_str()->check(CLI::Range(1, 1 << 20));
    const auto check = [&] {
        if (url.empty()) throw std::invalid_argument("--url is required");
    };
    if (const auto exit = tickwire::cli::parse(app, argc, argv, check)) return *exit;

    tickwire::bench::EchoRtt run(url, config);
    while (!run.step()) {
    }
    const auto r = run.result();
    std::printf("{\"side\":\"native\",\"size\":%zu,\"open_ms\":%.1f,\"round_trips\":%zu,\"p50_us\":%.0f,\"p90_us\":%.0f,"
                "\"p99_us\":%.0f,\"max_us\":%.0f,\"mean_us\":%.0f%s%s%s}\n",
                config.size, r.open_ms, r.round_trips, r.p50_us, r.p90_us, r.p99_us, r.max_us, r.mean_us,
                r.failure.empty() ? "" : ",\"failure\":\"", r.failure.c_str(), r.failure.empty() ? "" : "\"");
    return r.failure.empty() ? 0 : 1;
}
