// tickwire-test-proxy: the tests' TCP proxy (tests/support/tcp_proxy) as a
// process, for tests whose client is not in the test process (a page in a
// browser): it relays 127.0.0.1:PORT to an upstream port and obeys commands
// read from stdin, one per line.
//
//   tickwire-test-proxy UPSTREAM_PORT
//   first line out: "listening on 127.0.0.1:PORT"
//   cut            reset every relayed connection (RST both ways, no close frame)
//   freeze on|off  stop / resume forwarding, sockets kept open (a dead peer)
//   refuse on|off  reset new connections at once
//   refuse MS      refuse for MS milliseconds, then accept again
//   accepted       print how many connections were accepted so far
// Each command is answered with one line: "ok <command>" (or "accepted N"), or
// "error <why>". stdin EOF stops it.
//
// Thread: the main thread reads commands; the relay runs on TcpProxy's thread.

#include <poll.h>
#include <unistd.h>

#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "tcp_proxy.hpp"

namespace {

using Clock = std::chrono::steady_clock;

std::optional<long> parse_number(std::string_view text) {
    long value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size() || value < 0) return std::nullopt;
    return value;
}

void answer(const std::string& line) {
    std::printf("%s\n", line.c_str());
    std::fflush(stdout);
}

class ProxyConsole {
public:
    explicit ProxyConsole(tickwire::test::TcpProxy& proxy) : proxy_(proxy) {}

    void run_command(std::string_view line) {
        const auto space = line.find(' ');
        const std::string_view verb = line.substr(0, space);
        const std::string_view argument = space == std::string_view::npos ? "" : line.substr(space + 1);
        const std::string echo(line);
        if (verb == "cut" && argument.empty()) {
            proxy_.drop_all();
            answer("ok " + echo);
        } else if (verb == "freeze" && (argument == "on" || argument == "off")) {
            proxy_.freeze(argument == "on");
            answer("ok " + echo);
        } else if (verb == "refuse" && (argument == "on" || argument == "off")) {
            timed_refusal_ = false;
            proxy_.refuse(argument == "on");
            answer("ok " + echo);
        } else if (verb == "refuse" && parse_number(argument)) {
            refuse_until_ = Clock::now() + std::chrono::milliseconds(*parse_number(argument));
            timed_refusal_ = true;
            proxy_.refuse(true);
            answer("ok " + echo);
        } else if (verb == "accepted" && argument.empty()) {
            answer("accepted " + std::to_string(proxy_.accepted()));
        } else {
            answer("error unknown command: " + echo);
        }
    }

    // How long stdin may be waited on before a timed refusal ends (-1: forever).
    int poll_timeout_ms() const {
        if (!timed_refusal_) return -1;
        const auto left = std::chrono::ceil<std::chrono::milliseconds>(refuse_until_ - Clock::now());
        return left.count() > 0 ? static_cast<int>(left.count()) : 0;
    }

    void on_time_passed() {
        if (timed_refusal_ && Clock::now() >= refuse_until_) {
            timed_refusal_ = false;
            proxy_.refuse(false);
        }
    }

private:
    tickwire::test::TcpProxy& proxy_;
    bool timed_refusal_ = false;  // "refuse MS" is in force until refuse_until_
    Clock::time_point refuse_until_{};
};

}  // namespace

int main(int argc, char** argv) {
    const auto upstream = argc == 2 ? parse_number(argv[1]) : std::nullopt;
    if (!upstream || *upstream == 0 || *upstream > 65535) {
        std::fprintf(stderr, "usage: tickwire-test-proxy UPSTREAM_PORT (commands on stdin: see the source)\n");
        return 2;
    }
    tickwire::test::TcpProxy proxy(static_cast<std::uint16_t>(*upstream));
    answer("listening on 127.0.0.1:" + std::to_string(proxy.port()));

    ProxyConsole console(proxy);
    std::string pending;
    char buffer[256];
    for (;;) {
        pollfd input{STDIN_FILENO, POLLIN, 0};
        const int ready = ::poll(&input, 1, console.poll_timeout_ms());
        console.on_time_passed();
        if (ready <= 0) continue;
        const ssize_t got = ::read(STDIN_FILENO, buffer, sizeof buffer);
        if (got <= 0) break;  // EOF: the test is done with us
        pending.append(buffer, static_cast<std::size_t>(got));
        for (auto newline = pending.find('\n'); newline != std::string::npos; newline = pending.find('\n')) {
            std::string line = pending.substr(0, newline);
            pending.erase(0, newline + 1);
            if (!line.empty() && line.back() == '\r') line.pop_back();
            if (!line.empty()) console.run_command(line);
        }
    }
    return 0;
}
