#include "load_options.hpp"

#include <charconv>
#include <cmath>
#include <stdexcept>
#include <string>

namespace tickwire::load {

namespace {

double to_number(std::string_view flag, std::string_view text, double lo, double hi) {
    const std::string s(text);
    char* end = nullptr;
    const double v = std::strtod(s.c_str(), &end);
    if (s.empty() || end != s.c_str() + s.size() || !std::isfinite(v) || v < lo || v > hi) {
        throw std::invalid_argument(std::string(flag) + ": not a number in [" + std::to_string(lo) + ", " +
                                    std::to_string(hi) + "]: '" + s + "'");
    }
    return v;
}

std::size_t to_count(std::string_view flag, std::string_view text, double lo, double hi) {
    const double v = to_number(flag, text, lo, hi);
    if (v != std::floor(v)) throw std::invalid_argument(std::string(flag) + ": not a whole number: '" + std::string(text) + "'");
    return static_cast<std::size_t>(v);
}

// Split SCHEME://HOST:PORT/PATH into the options; only ws:// and tcp:// (no TLS).
void split_url(LoadOptions& o) {
    const auto scheme_end = o.url.find("://");
    if (scheme_end == std::string::npos) throw std::invalid_argument("URL wants a scheme: '" + o.url + "'");
    const std::string scheme = o.url.substr(0, scheme_end);
    const bool want_tcp = o.mode == Mode::raw;
    if (want_tcp ? scheme != "tcp" : scheme != "ws") {
        throw std::invalid_argument(std::string("mode ") + to_string(o.mode) + " wants a " +
                                    (want_tcp ? "tcp://HOST:PORT" : "ws://HOST:PORT/PATH") + " URL, not '" + o.url + "'");
    }
    const std::string rest = o.url.substr(scheme_end + 3);
    const auto slash = rest.find('/');
    const std::string authority = rest.substr(0, slash);
    o.path = slash == std::string::npos ? "/" : rest.substr(slash);
    const auto colon = authority.rfind(':');
    if (colon == std::string::npos || colon == 0) throw std::invalid_argument("URL wants HOST:PORT: '" + o.url + "'");
    o.host = authority.substr(0, colon);
    o.port = static_cast<std::uint16_t>(to_count("port", authority.substr(colon + 1), 1, 65535));
}

}  // namespace

const char* to_string(Mode mode) noexcept {
    switch (mode) {
    case Mode::echo: return "echo";
    case Mode::raw: return "raw";
    case Mode::idle: return "idle";
    case Mode::match: return "match";
    case Mode::monitor: return "monitor";
    }
    return "?";
}

std::string_view usage() {
    return "usage: tickwire-load MODE [URL] [options]\n"
           "\n"
           "modes:\n"
           "  echo URL     WebSocket echo load: ws://HOST:PORT/PATH\n"
           "  raw URL      the same over plain TCP, 4-byte length-prefixed frames: tcp://HOST:PORT\n"
           "  idle URL     open N WebSocket connections and hold them; server RSS per connection\n"
           "  match URL    N tickwire bots play: ws://HOST:PORT/room/auto (needs the game build)\n"
           "  monitor [URL] measure --server-pid (and --status-url; URL's port: TCP bytes) only,\n"
           "               for clients run elsewhere\n"
           "\n"
           "options:\n"
           "  -c, --connections N   connections (bots in match mode; default 10)\n"
           "  -s, --size BYTES      message size, >= 16 (default 32)\n"
           "  -r, --rate R          messages per second per connection; 0 = closed loop (default)\n"
           "  -d, --duration S      measured seconds (default 10)\n"
           "  -w, --warmup S        seconds before measuring (default 2)\n"
           "  --connect-concurrency N  handshakes in flight at once (default 256)\n"
           "  --server-pid PID      report this process's CPU, RSS and I/O over the window\n"
           "  --status-url URL      match/monitor: server JSON status (default http://HOST:PORT/status)\n"
           "  --clients N           monitor: clients to divide the server's figures by\n"
           "  --tick-rate HZ        match: bots' tick rate (default 60)\n"
           "  --think-every N       match: a bot re-plans (reads its view) every N ticks; it still\n"
           "                        steps and sends input every tick (default 4: keeps 500 bots on a core)\n"
           "  --label TEXT          copied into the report\n"
           "  --json                one JSON object instead of the table\n"
           "  --no-progress         no live progress line on stderr\n"
           "  -h, --help\n"
           "\n"
           "Round-trip times are measured from the send time stamped into each payload; at\n"
           "a fixed rate that is the *intended* send time, so a stalled server cannot hide\n"
           "the messages it delayed (no coordinated omission).\n";
}

LoadOptions parse_options(int argc, const char* const* argv) {
    LoadOptions o;
    if (argc < 2) throw std::invalid_argument("a mode is required");
    const std::string_view mode = argv[1];
    if (mode == "-h" || mode == "--help") {
        o.help = true;
        return o;
    }
    if (mode == "echo") o.mode = Mode::echo;
    else if (mode == "raw") o.mode = Mode::raw;
    else if (mode == "idle") o.mode = Mode::idle;
    else if (mode == "match") o.mode = Mode::match;
    else if (mode == "monitor") o.mode = Mode::monitor;
    else throw std::invalid_argument("unknown mode '" + std::string(mode) + "'");

    for (int i = 2; i < argc; ++i) {
        const std::string_view flag = argv[i];
        if (flag == "-h" || flag == "--help") {
            o.help = true;
            return o;
        }
        if (flag == "--json") {
            o.json = true;
            continue;
        }
        if (flag == "--no-progress") {
            o.progress = false;
            continue;
        }
        if (!flag.empty() && flag[0] != '-') {
            if (!o.url.empty()) throw std::invalid_argument("two URLs: '" + o.url + "' and '" + std::string(flag) + "'");
            o.url = flag;
            continue;
        }
        if (i + 1 >= argc) throw std::invalid_argument(std::string(flag) + " needs a value");
        const std::string_view value = argv[++i];
        if (flag == "-c" || flag == "--connections") o.connections = to_count(flag, value, 1, 100000);
        else if (flag == "-s" || flag == "--size") o.size = to_count(flag, value, 16, 16 << 20);
        else if (flag == "-r" || flag == "--rate") o.rate = to_number(flag, value, 0, 1e6);
        else if (flag == "-d" || flag == "--duration") o.duration_s = to_number(flag, value, 0.1, 86400);
        else if (flag == "-w" || flag == "--warmup") o.warmup_s = to_number(flag, value, 0, 3600);
        else if (flag == "--connect-concurrency") o.connect_concurrency = to_count(flag, value, 1, 100000);
        else if (flag == "--server-pid") o.server_pid = static_cast<int>(to_count(flag, value, 1, 1 << 30));
        else if (flag == "--status-url") o.status_url = value;
        else if (flag == "--clients") o.clients = to_count(flag, value, 1, 1000000);
        else if (flag == "--tick-rate") o.tick_rate = static_cast<int>(to_count(flag, value, 1, 240));
        else if (flag == "--think-every") o.think_every = static_cast<int>(to_count(flag, value, 1, 240));
        else if (flag == "--label") o.label = value;
        else throw std::invalid_argument("unknown option " + std::string(flag));
    }
    if (o.mode == Mode::monitor) {
        if (o.server_pid == 0) throw std::invalid_argument("monitor needs --server-pid");
        if (o.clients == 0) o.clients = 1;
        if (!o.url.empty()) split_url(o);  // the server's port: its sockets' byte counts
        return o;
    }
    if (o.url.empty()) throw std::invalid_argument(std::string("mode ") + to_string(o.mode) + " needs a URL");
    split_url(o);
    if (o.status_url.empty()) o.status_url = "http://" + o.host + ":" + std::to_string(o.port) + "/status";
    return o;
}

}  // namespace tickwire::load
