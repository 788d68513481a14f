#include "load_options.hpp"

#include <stdexcept>
#include <string>

#include "tickwire/cli.hpp"
#include "tickwire/net/url.hpp"

namespace tickwire::load {

namespace {

constexpr const char* kDescription =
    "A load generator for WebSocket servers: echo load over N connections (closed loop or a fixed rate), the "
    "same over plain TCP, idle connections, a tickwire match of N bots, or just watching a server.";

// tcp:// URLs follow ws:// URLs' rules; net's parser reads both.
constexpr std::string_view kTcpScheme = "tcp://";

// SCHEME://HOST:PORT/PATH into the options; only ws:// and tcp:// (no TLS),
// and for match mode a matchmaking URL, http://HOST:PORT/match/auto or /match/CODE.
void split_url(LoadOptions& o) {
    const bool want_tcp = o.mode == Mode::raw;
    const bool is_tcp = o.url.starts_with(kTcpScheme);
    const bool matchmaking = o.mode == Mode::match && o.url.starts_with("http://");
    const auto url = matchmaking ? net::parse_http_url(o.url)
                                 : net::parse_ws_url(is_tcp ? "ws://" + o.url.substr(kTcpScheme.size()) : o.url);
    if (!url || url->secure || is_tcp != want_tcp) {
        throw std::invalid_argument(std::string("mode ") + to_string(o.mode) + " wants a " +
                                    (want_tcp ? "tcp://HOST:PORT" : "ws://HOST:PORT/PATH") + " URL, not '" + o.url + "'");
    }
    o.host = url->host;
    o.port = static_cast<std::uint16_t>(std::stoul(url->port));  // checked by the parser: 1..65535
    o.path = url->target;
}

// The options, described once for parsing and for --help.
void describe(CLI::App& app, LoadOptions& o, std::string& mode, std::string& ws_client) {
    app.add_option("mode", mode, "echo | raw | idle | match | monitor (see modes below)")
        ->check(CLI::IsMember({"echo", "raw", "idle", "match", "monitor"}));
    app.add_option("url", o.url, "the server");
    app.add_option("-c,--connections", o.connections, "connections (bots in match mode)")
        ->check(CLI::Range(std::size_t{1}, std::size_t{100000}))
        ->capture_default_str();
    app.add_option("-s,--size", o.size, "message size in bytes, >= 16")
        ->check(CLI::Range(std::size_t{16}, std::size_t{16} << 20))
        ->capture_default_str();
    app.add_option("-r,--rate", o.rate, "messages per second per connection; 0 = closed loop")
        ->check(CLI::Range(0.0, 1e6))
        ->capture_default_str();
    app.add_option("-d,--duration", o.duration_s, "measured seconds")->check(CLI::Range(0.1, 86400.0))->capture_default_str();
    app.add_option("-w,--warmup", o.warmup_s, "seconds before measuring")->check(CLI::Range(0.0, 3600.0))->capture_default_str();
    app.add_option("--ws-client", ws_client,
                   "echo, idle: lean (WebSocket framed by hand, as cheap as raw mode) or beast (Beast's "
                   "websocket::stream: a second read per message)")
        ->check(CLI::IsMember({to_string(WsClient::lean), to_string(WsClient::beast)}))
        ->capture_default_str();
    app.add_option("--connect-concurrency", o.connect_concurrency, "handshakes in flight at once")
        ->check(CLI::Range(std::size_t{1}, std::size_t{100000}))
        ->capture_default_str();
    app.add_option("--server-pid", o.server_pid, "report this process's CPU, RSS and I/O over the window")
        ->check(CLI::Range(1, 1 << 30));
    app.add_option("--status-url", o.status_url, "match/monitor: server JSON status (default http://HOST:PORT/status)");
    app.add_option("--clients", o.clients, "monitor: clients to divide the server's figures by")
        ->check(CLI::Range(std::size_t{1}, std::size_t{1000000}));
    app.add_option("--tick-rate", o.tick_rate, "match: bots' tick rate")->check(CLI::Range(1, 240))->capture_default_str();
    app.add_option("--think-every", o.think_every,
                   "match: a bot re-plans (reads its view) every N ticks; it still steps and sends input every "
                   "tick (4 keeps 500 bots on a core)")
        ->check(CLI::Range(1, 240))
        ->capture_default_str();
    app.add_option("--label", o.label, "copied into the report");
    app.add_flag("--json", o.json, "one JSON object instead of the table");
    app.add_flag_callback("--no-progress", [&o] { o.progress = false; }, "no live progress line on stderr");
    app.footer(
        "modes:\n"
        "  echo URL     WebSocket echo load: ws://HOST:PORT/PATH\n"
        "  raw URL      the same over plain TCP, 4-byte length-prefixed frames: tcp://HOST:PORT\n"
        "  idle URL     open N WebSocket connections and hold them; server RSS per connection\n"
        "  match URL    N tickwire bots play: ws://HOST:PORT/room/auto, or through matchmaking:\n"
        "               http://HOST:PORT/match/auto (needs the game build)\n"
        "  monitor [URL] measure --server-pid (and --status-url; URL's port: TCP bytes) only,\n"
        "               for clients run elsewhere\n"
        "\n"
        "Round-trip times are measured from the send time stamped into each payload; at\n"
        "a fixed rate that is the *intended* send time, so a stalled server cannot hide\n"
        "the messages it delayed (no coordinated omission).");
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

const char* to_string(WsClient client) noexcept {
    switch (client) {
    case WsClient::lean: return "lean";
    case WsClient::beast: return "beast";
    }
    return "?";
}

std::string usage() {
    LoadOptions o;
    std::string mode, ws_client = to_string(o.ws_client);
    CLI::App app{kDescription, "tickwire-load"};
    describe(app, o, mode, ws_client);
    return cli::help(app);
}

LoadOptions parse_options(int argc, const char* const* argv) {
    LoadOptions o;
    std::string mode, ws_client = to_string(o.ws_client);
    CLI::App app{kDescription, "tickwire-load"};
    describe(app, o, mode, ws_client);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        if (e.get_exit_code() != 0) throw std::invalid_argument(cli::describe(app, e));
        o.help = true;
        return o;
    }
    if (mode.empty()) throw std::invalid_argument("a mode is required");
    for (const WsClient c : {WsClient::lean, WsClient::beast}) {
        if (ws_client == to_string(c)) o.ws_client = c;
    }
    for (const Mode m : {Mode::echo, Mode::raw, Mode::idle, Mode::match, Mode::monitor}) {
        if (mode == to_string(m)) o.mode = m;
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
