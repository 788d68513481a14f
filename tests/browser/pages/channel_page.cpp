// channel_page: tickwire::net's Channel in a browser, written as a game
// writes it: the page's frame (emscripten_set_main_loop) adds, flushes and
// polls, and nothing else. Against native servers the test starts
// (tests/browser/channel_test.cpp); one mode per load (?mode=M&url=ws://...):
//
//   echo         1000 binary messages of 0 B to 256 KiB to tickwire-echo, each
//                back byte-exact and in order, then close 1000 (?count, ?max);
//                pipelined, at most kEchoWindow bytes unanswered (tickwire-echo
//                closes a client that lets 4 MiB of echoes pile up: 1008)
//   events       connect (and send one message with ?send=1); record every
//                event until closed: refused and DNS failures, a server's close
//   session      session mode with reconnect: 500 reliable messages each way
//                ("c0".. out, "s0".. in), each checked to arrive once and in
//                order; prints "CHANNEL ready-for-cut" after 100 came in, so
//                the test can cut or freeze the connection mid-flow
//                (?netsim=SPEC, ?idle_ms=N for ChannelOptions::idle_timeout)
//   unsupported  options a browser cannot honour: each channel must end with
//                an error (ErrorKind::unsupported) and a closed event
//   netsim       round trips through the network simulator (?netsim=SPEC),
//                one at a time, to tickwire-echo
//
// Each mode publishes window.tickwireTest (test_page.hpp): "events" lists the
// stream's events in order ("opened;error refused;closed 1006 connect failed").
//
// Thread: the page's main thread; the frame is the game thread.

#include <emscripten/emscripten.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "test_page.hpp"
#include "tickwire/net.hpp"

namespace {

namespace net = tickwire::net;
namespace page = tickwire::test::page;

constexpr std::size_t kSessionMessages = 500;
constexpr std::size_t kSessionBatch = 10;     // reliable messages added per frame
constexpr std::size_t kReadyForCut = 100;     // received before the test may cut
constexpr int kNetsimRoundTrips = 5;
constexpr std::size_t kEchoWindow = 2u << 20;

std::span<const std::byte> as_bytes(std::string_view text) { return std::as_bytes(std::span(text.data(), text.size())); }

std::string describe(const net::Event& event) {
    std::string text(net::to_string(event.type));
    switch (event.type) {
    case net::EventType::message: return text + " " + std::to_string(event.message.size());
    case net::EventType::error: return text + " " + std::string(net::to_string(event.error));
    case net::EventType::closed: return text + " " + std::to_string(event.close_code) + " " + std::string(event.text());
    case net::EventType::reconnecting: return text + " " + std::to_string(event.close_code);
    case net::EventType::opened:
    case net::EventType::resumed: return text;
    }
    return text;
}

struct Page {
    std::string mode;
    std::string url;
    std::optional<net::Channel> channel;
    net::Event event;
    page::Result result;
    std::string events;
    std::string failure;
    bool done = false;

    // echo
    std::vector<std::uint32_t> sizes;
    std::vector<std::uint8_t> expected;
    std::size_t echoed = 0;
    std::size_t next_echo = 0;  ///< the next message to send
    std::size_t unanswered_bytes = 0;
    double opened_ms = 0;
    std::size_t deepest_send_queue = 0;

    // session
    std::size_t sent = 0;
    std::size_t received = 0;
    bool resumed = false;

    // netsim
    double round_trip_started = 0;
    double shortest_round_trip = 1e9;
    int round_trips = 0;

    // unsupported
    std::vector<std::pair<std::string, net::ChannelOptions>> cases;
    std::size_t current_case = 0;

    void record(const net::Event& e) {
        const std::string line = describe(e);
        if (e.type != net::EventType::message || mode == "events") {
            if (!events.empty()) events += ';';
            events += line;
        }
        if (e.type != net::EventType::message) std::printf("CHANNEL %s\n", line.c_str());
    }
    void fail(const std::string& why) {
        if (failure.empty()) failure = why;
        std::printf("CHANNEL check failed: %s\n", why.c_str());
    }
    void finish() {
        done = true;
        if (channel) {
            const net::ChannelStats stats = channel->stats();
            result.add("messages_out", static_cast<double>(stats.messages_out));
            result.add("messages_in", static_cast<double>(stats.messages_in));
            result.add("bytes_out", static_cast<double>(stats.bytes_out));
            result.add("rtt_us", static_cast<double>(stats.rtt_us));
            result.add("reconnects", static_cast<double>(stats.reconnects));
            result.add("resumes", static_cast<double>(stats.resumes));
            result.add("dropped_out", static_cast<double>(stats.dropped_out));
            result.add("netsim_disconnects", static_cast<double>(stats.netsim_disconnects));
        }
        result.add("events", events);
        if (!failure.empty()) result.add("failure", failure);
        result.publish(failure.empty());
    }
};

Page g_page;

net::ChannelOptions options_from_query() {
    net::ChannelOptions options;
    if (const std::string spec = page::query_param("netsim"); !spec.empty()) {
        const net::NetSimParse sim = net::parse_netsim(spec);
        if (!sim) g_page.fail("netsim: " + sim.error);
        options.netsim = sim.options;
    }
    return options;
}

// ---- echo ----------------------------------------------------------------------

void send_echo_messages() {
    Page& p = g_page;
    bool added = false;
    while (p.next_echo < p.sizes.size() && p.unanswered_bytes < kEchoWindow) {
        const std::size_t i = p.next_echo++;
        net::Message message = net::Message::allocate(p.sizes[i]);
        page::fill_payload(i, reinterpret_cast<std::uint8_t*>(message.writable().data()), message.size());
        p.unanswered_bytes += message.size();
        if (!p.channel->sink().add(std::move(message))) p.fail("add refused message " + std::to_string(i));
        added = true;
    }
    if (added) p.channel->sink().flush();
}

void on_echo(const net::Message& message) {
    Page& p = g_page;
    const std::size_t index = p.echoed++;
    if (index >= p.next_echo) return p.fail("more echoes than messages sent");
    p.unanswered_bytes -= p.sizes[index];
    p.expected.resize(p.sizes[index]);
    page::fill_payload(index, p.expected.data(), p.expected.size());
    if (message.size() != p.expected.size()) {
        p.fail("echo " + std::to_string(index) + ": " + std::to_string(message.size()) + " bytes, sent " +
               std::to_string(p.expected.size()));
    } else if (!p.expected.empty() && std::memcmp(message.data(), p.expected.data(), p.expected.size()) != 0) {
        p.fail("echo " + std::to_string(index) + ": bytes differ");
    }
    if (p.echoed < p.sizes.size()) return send_echo_messages();
    p.result.add("echo_ms", page::now_ms() - p.opened_ms);
    p.channel->sink().close(net::close_code::normal, "echo done");
    p.channel->sink().flush();
}

// ---- session ---------------------------------------------------------------------

void send_session_batch() {
    Page& p = g_page;
    if (p.sent == kSessionMessages || p.channel->state() != net::ChannelState::open) return;
    for (std::size_t n = 0; n < kSessionBatch && p.sent < kSessionMessages; ++n) {
        if (!p.channel->sink().add(as_bytes("c" + std::to_string(p.sent)))) return p.fail("add refused");
        ++p.sent;
    }
    p.channel->sink().flush();
}

void on_session_message(const net::Message& message) {
    Page& p = g_page;
    const std::string expected = "s" + std::to_string(p.received);
    if (message.text() != expected)
        return p.fail("received " + std::string(message.text()) + " where " + expected + " was due");
    if (++p.received == kReadyForCut) std::printf("CHANNEL ready-for-cut\n");
}

void check_session_done() {
    Page& p = g_page;
    if (p.received < kSessionMessages || p.sent < kSessionMessages || p.channel->state() != net::ChannelState::open)
        return;
    p.result.add("received", static_cast<double>(p.received));
    p.result.add("saw_resumed", p.resumed);
    // Graceful: what is still queued goes out before the close frame.
    p.channel->sink().close(net::close_code::normal, "session done");
    p.channel->sink().flush();
}

// ---- netsim ------------------------------------------------------------------------

void start_round_trip() {
    Page& p = g_page;
    p.round_trip_started = page::now_ms();
    p.channel->sink().add(as_bytes("round trip " + std::to_string(p.round_trips)));
    p.channel->sink().flush();
}

void on_round_trip() {
    Page& p = g_page;
    p.shortest_round_trip = std::min(p.shortest_round_trip, page::now_ms() - p.round_trip_started);
    if (++p.round_trips < kNetsimRoundTrips) return start_round_trip();
    p.result.add("round_trips", static_cast<double>(p.round_trips));
    p.result.add("shortest_round_trip_ms", p.shortest_round_trip);
    p.channel->sink().close();
    p.channel->sink().flush();
}

// ---- unsupported -----------------------------------------------------------------

void start_next_case() {
    Page& p = g_page;
    if (p.current_case == p.cases.size()) {
        p.channel.reset();
        return p.finish();
    }
    p.events.clear();
    p.channel.emplace(net::Channel::connect(p.url, p.cases[p.current_case].second));
}

void on_case_event(const net::Event& e) {
    Page& p = g_page;
    const std::string& name = p.cases[p.current_case].first;
    if (e.type == net::EventType::error) p.result.add(name + "_text", e.text());
    if (e.type != net::EventType::closed) return;
    p.result.add(name + "_events", p.events);
    ++p.current_case;
    start_next_case();
}

// ---- the frame -----------------------------------------------------------------------

void frame() {
    Page& p = g_page;
    if (p.done || !p.channel) return;
    if (p.mode == "session") send_session_batch();
    p.deepest_send_queue = std::max(p.deepest_send_queue, p.channel->stats().send_queue_depth);
    while (p.channel && p.channel->stream().poll(p.event)) {
        const net::Event& e = p.event;
        p.record(e);
        if (p.mode == "unsupported") {
            on_case_event(e);
            continue;
        }
        switch (e.type) {
        case net::EventType::opened:
            p.opened_ms = page::now_ms();
            p.result.add("open_ms", p.opened_ms);
            if (p.mode == "echo") send_echo_messages();
            if (p.mode == "netsim") start_round_trip();
            if (p.mode == "events" && page::query_param("send") == "1") {
                p.channel->sink().add(as_bytes("hello"));
                p.channel->sink().flush();
            }
            break;
        case net::EventType::resumed: p.resumed = true; break;
        case net::EventType::message:
            if (p.mode == "echo") on_echo(e.message);
            if (p.mode == "session") on_session_message(e.message);
            if (p.mode == "netsim") on_round_trip();
            break;
        case net::EventType::closed:
            p.result.add("close_code", static_cast<double>(e.close_code));
            p.result.add("close_reason", e.text());
            if (p.mode == "echo") {
                p.result.add("echoed", static_cast<double>(p.echoed));
                p.result.add("deepest_send_queue", static_cast<double>(p.deepest_send_queue));
                if (p.echoed != p.sizes.size())
                    p.fail(std::to_string(p.echoed) + " echoes of " + std::to_string(p.sizes.size()));
            }
            if (p.mode == "session" && p.received != kSessionMessages)
                p.fail(std::to_string(p.received) + " of " + std::to_string(kSessionMessages) + " received");
            return p.finish();
        case net::EventType::error:
            p.result.add("error_text", e.text());
            break;
        case net::EventType::reconnecting: break;
        }
    }
    if (p.mode == "session" && !p.done) check_session_done();
}

}  // namespace

int main() {
    Page& p = g_page;
    p.mode = page::query_param("mode");
    p.url = page::query_param("url");
    p.result.add("mode", p.mode);
    p.result.add("main_ms", page::now_ms());
    net::ChannelOptions options = options_from_query();
    if (p.mode == "echo") {
        const std::string count = page::query_param("count");
        const std::string max = page::query_param("max");
        p.sizes = page::echo_sizes(count.empty() ? 1000 : std::strtoul(count.c_str(), nullptr, 10),
                                   max.empty() ? 256 * 1024 : static_cast<std::uint32_t>(std::strtoul(max.c_str(), nullptr, 10)));
    } else if (p.mode == "session") {
        options.session.enabled = true;
        options.reconnect.enabled = true;
        options.reconnect.base_delay = std::chrono::milliseconds(20);
        options.reconnect.max_delay = std::chrono::milliseconds(200);
        options.ping_interval = std::chrono::milliseconds(100);  // RTT from session round trips, soon
        if (const std::string idle = page::query_param("idle_ms"); !idle.empty())
            options.idle_timeout = std::chrono::milliseconds(std::strtoul(idle.c_str(), nullptr, 10));
    } else if (p.mode == "unsupported") {
        net::ChannelOptions headers;
        headers.headers = {{"Authorization", "Bearer x"}};
        net::ChannelOptions no_verify;
        no_verify.tls.verify_peer = false;
        net::ChannelOptions ca_file;
        ca_file.tls.ca_file = "/etc/ssl/certs/ca-certificates.crt";
        net::ChannelOptions bad_protocol;
        bad_protocol.subprotocols = {"game v1"};
        p.cases = {{"headers", headers}, {"verify_peer", no_verify}, {"ca_file", ca_file}, {"subprotocol", bad_protocol}};
        start_next_case();
    }
    if (p.mode != "unsupported") p.channel.emplace(net::Channel::connect(p.url, options));
    emscripten_set_main_loop(frame, 0, EM_FALSE);  // every animation frame, as a game
    return 0;
}
