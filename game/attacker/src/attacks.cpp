#include "tickwire/game/attacker/attacks.hpp"

#include <array>
#include <random>
#include <thread>

#include "raw_socket.hpp"
#include "tickwire/game/protocol/wire.hpp"
#include "tickwire/schemas/envelope.hpp"
#include "tickwire/schemas/session.hpp"

namespace tickwire::game::attacker {

namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr std::array kNames = {
    "plain_get",        "plain_post",          "random_bytes",  "oversize_headers",     "request_body",
    "trickled_handshake", "silent_tcp",        "silent_after_upgrade", "huge_frame",     "endless_continuation",
    "text_frame",       "unmasked_frame",      "reserved_bits", "unknown_opcode",       "orphan_continuation",
    "invalid_flatbuffers", "wrong_version",    "unknown_room",  "malformed_room",       "input_flood",
    "chat_flood",       "oversize_chat",       "nan_inputs",    "ping_flood",
    "invalid_envelope", "forged_resume_token", "replayed_resume_token", "foreign_resume_token",
    "expired_resume_token",
    "per_ip_flood",     "global_flood",
};

std::string_view text_of(const net::Message& m) {
    return {reinterpret_cast<const char*>(m.bytes().data()), m.bytes().size()};
}
std::string_view text_of(schemas::Bytes b) { return {reinterpret_cast<const char*>(b.data()), b.size()}; }
schemas::Bytes bytes_of(std::string_view s) { return {reinterpret_cast<const std::byte*>(s.data()), s.size()}; }

/// One attacking connection: the socket, what it has received, and the outcome.
struct Attempt {
    Attempt(const Target& t, Outcome& o) : target(t), out(o) {}

    const Target& target;
    Outcome& out;
    RawSocket socket;
    std::string received;
    // Session mode: what the last Welcome said, and our reliable sequence.
    std::uint64_t session_id = 0;
    std::string resume_proof;
    std::uint32_t sequence = 0;

    bool connect(const std::string& source) {
        if (!socket.connect(source, target.address, target.port, out.error)) return false;
        if (out.local.empty()) out.local = socket.local();
        return true;
    }
    bool send(std::string_view bytes) {
        const bool ok = socket.send_all(bytes);
        if (ok) out.bytes_sent += bytes.size();
        return ok;
    }

    // Read until a whole HTTP response head is in (or the socket closes).
    int read_http_status(Clock::time_point deadline) {
        while (http_head_end(received) == std::string::npos && Clock::now() < deadline) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
            if (socket.read_some(received, std::max(left, 1ms)) == RawSocket::Read::closed) {
                out.closed = true;
                break;
            }
        }
        out.http_status = http_status(received);
        return out.http_status;
    }

    // A plain request: send it, record the answer.
    void request(std::string_view bytes) {
        if (!connect(target.source)) return;
        send(bytes);
        read_http_status(Clock::now() + target.answer_timeout);
    }

    // A WebSocket handshake to `path`; true when the server switched protocols.
    bool open(std::string_view path, const std::string& source) {
        if (!connect(source)) return false;
        send(upgrade_request(target.address, path));
        if (read_http_status(Clock::now() + target.answer_timeout) != 101) return false;
        received.erase(0, http_head_end(received));
        out.http_status = 0;  // the outcome is what follows the upgrade
        return true;
    }
    /// Open, and in session mode say the net layer's Hello too.
    bool open_room(std::string_view room) {
        return open("/room/" + std::string(room), target.source) && (!target.session || handshake({}));
    }

    /// Open (and say the session Hello), send `bytes` as they are, and wait
    /// for the server's verdict: the shape of every framing attack.
    void probe(std::string_view bytes) {
        if (!open_room(target.room)) return;
        send(bytes);
        await_close(target.answer_timeout);
    }

    /// Session mode: send the net layer's Hello (fresh, or resuming) and read
    /// its Welcome. False, with out.error set, if none came.
    bool handshake(const schemas::HelloInfo& hello) {
        flatbuffers::FlatBufferBuilder fbb(256);
        send(frame(kFin | kBinary, text_of(schemas::encode_hello(fbb, hello))));
        std::string bytes;
        if (!next_binary(bytes, Clock::now() + target.answer_timeout)) {
            out.error = "no session welcome";
            return false;
        }
        const net::Message message = net::Message::copy_of(bytes_of(bytes));  // aligned for the verifier
        const auto welcome = schemas::read_welcome(message.bytes());
        if (!welcome) {
            out.error = "no session welcome: " + std::string(welcome.error);
            return false;
        }
        ++out.welcomes;
        if (welcome->resumed()) ++out.resumes;
        session_id = welcome->session_id();
        const auto* proof = welcome->resume_proof();
        resume_proof = proof != nullptr ? std::string(reinterpret_cast<const char*>(proof->data()), proof->size()) : "";
        // A resumed session goes on from what the server received in order;
        // the attacker resends nothing (a message the RST cut off is gone).
        sequence = welcome->resumed() ? welcome->received() : 0;
        return true;
    }

    /// Drop the connection the way a dead link does (RST), then open a new
    /// one presenting `hello`. out.local becomes the new socket's address.
    bool reopen(const schemas::HelloInfo& hello) {
        socket.reset();
        received.clear();
        out.local.clear();
        return open("/room/" + target.room, target.source) && handshake(hello);
    }

    /// A resume of the last session with `proof` as its token.
    schemas::HelloInfo resume_hello(std::string_view proof) const {
        schemas::HelloInfo hello;
        hello.session_id = session_id;
        hello.resume_proof = bytes_of(proof);
        return hello;
    }

    /// One game message as a frame: in session mode inside the envelope
    /// (reliable: numbered; latest: not).
    std::string message_frame(std::string_view game_bytes, bool latest = false) {
        if (!target.session) return frame(kFin | kBinary, game_bytes);
        namespace envelope = schemas::envelope;
        std::byte head[envelope::kMaxHeaderBytes];
        const envelope::Header header{latest ? envelope::Kind::latest : envelope::Kind::reliable,
                                      latest ? 0 : ++sequence, 0};
        const std::size_t head_size = envelope::write_header(header, head);
        return frame(kFin | kBinary, std::string(reinterpret_cast<const char*>(head), head_size) + std::string(game_bytes));
    }
    void send_message(std::string_view game_bytes) { send(message_frame(game_bytes)); }

    /// Join the room as a player (the game's Hello), so the session is a
    /// real one that the server's hello timeout leaves alone.
    void join(std::string_view name) {
        protocol::Codec codec;
        send_message(text_of(codec.hello(name)));
    }

    /// Session mode: tell the server we hold its newest token (any message
    /// after the Welcome does, here a clock request), and wait until it has
    /// answered, so the older token counts as a replay from now on.
    bool confirm_token() {
        protocol::Codec codec;
        send_message(text_of(codec.clock_request(protocol::now_us())));
        const auto deadline = Clock::now() + target.answer_timeout;
        std::string bytes;
        while (next_binary(bytes, deadline)) {
            const auto envelope = schemas::envelope::read(bytes_of(bytes));
            if (!envelope || envelope.body.empty()) continue;
            const net::Message inner = net::Message::copy_of(envelope.body);  // aligned for the verifier
            const protocol::Incoming in = protocol::decode(inner.bytes());
            if (in.packet != nullptr && in.packet->body_type() == session::Body::ClockSyncResponse) return true;
        }
        out.error = "no clock reply to confirm the token";
        return false;
    }

    /// Close cleanly (1000) and wait for the server's answer.
    void leave() {
        send(frame(kFin | kClose, std::string("\x03\xe8", 2)));
        await_close(target.answer_timeout);
    }

    /// The next frame from the server. Pings are answered on the way (what
    /// ends a connection must be the server's verdict on the attack, not its
    /// dead-peer detection); a close frame is recorded in `out`. False at the
    /// end of the connection or the deadline.
    bool next_frame(ServerFrame& f, Clock::time_point deadline) {
        bool ended = false;
        for (;;) {
            while (take_frame(received, f)) {
                if (f.opcode == kPing) {
                    socket.send_all(frame(kFin | kPong, f.payload));
                    continue;
                }
                if (f.opcode == kClose) {
                    out.closed = true;
                    if (f.payload.size() >= 2) {
                        out.close_code = (static_cast<std::uint8_t>(f.payload[0]) << 8) | static_cast<std::uint8_t>(f.payload[1]);
                        out.close_reason = f.payload.substr(2);
                    }
                }
                return true;
            }
            const auto now = Clock::now();
            if (ended || now >= deadline) return false;
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now);
            if (socket.read_some(received, std::max(left, 1ms)) == RawSocket::Read::closed) {
                out.closed = true;
                ended = true;  // what arrived before the end is still read
            }
        }
    }

    /// The next binary frame's payload; false at a close frame, the end of
    /// the connection or the deadline.
    bool next_binary(std::string& payload, Clock::time_point deadline) {
        ServerFrame f;
        while (next_frame(f, deadline)) {
            if (f.opcode == kClose) return false;
            if (f.opcode == kBinary) {
                payload = std::move(f.payload);
                return true;
            }
        }
        return false;
    }

    /// Reads server frames until a close frame (answered, so the server's
    /// closing handshake ends now rather than at its close timeout) or the
    /// end of the connection, for at most `timeout`.
    void await_close(std::chrono::milliseconds timeout) {
        const auto deadline = Clock::now() + timeout;
        ServerFrame f;
        while (next_frame(f, deadline)) {
            if (f.opcode != kClose) continue;
            socket.send_all(frame(kFin | kClose, f.payload.substr(0, 2)));
            return;
        }
    }

};

void trickle(Attempt& a) {
    const std::string request = upgrade_request(a.target.address, "/room/" + a.target.room);
    a.out.request_bytes = request.size();
    if (!a.connect(a.target.source)) return;
    // One byte per interval; stop as soon as the server has answered or hung up.
    for (const char byte : request) {
        if (!a.send(std::string_view(&byte, 1))) break;
        if (a.socket.read_some(a.received, a.target.trickle_interval) != RawSocket::Read::timeout) break;
    }
    a.read_http_status(Clock::now() + a.target.answer_timeout);
}

void endless_continuation(Attempt& a) {
    if (!a.open_room(a.target.room)) return;
    const std::string chunk(4096, 'x');
    a.send(frame(kBinary, chunk));  // FIN clear: more to come
    for (int i = 0; i < 10000; ++i) {
        if (!a.send(frame(kContinuation, chunk))) break;
        if (a.socket.read_some(a.received, 0ms) != RawSocket::Read::timeout) break;  // the server spoke
    }
    a.await_close(a.target.answer_timeout);
}

// Pings the server must answer, sent as fast as TCP takes them, and nothing
// read: its pongs back up. A server that kept reading would queue pongs
// without bound; one that stops reading stalls us on TCP.
void ping_flood(Attempt& a) {
    if (!a.open_room(a.target.room)) return;
    std::string batch;
    while (batch.size() < (64u << 10)) batch += frame(kFin | kPing, std::string(125, 'p'));
    while (a.out.bytes_sent < a.target.ping_flood_bytes) {
        const std::size_t n = a.socket.send_within(batch, 1000ms);
        a.out.bytes_sent += n;
        if (n < batch.size()) {
            a.out.stalled = true;
            return;
        }
    }
}

// Built by hand: the game's encoder clamps text to kMaxTextBytes.
net::Message oversize_chat_message() {
    flatbuffers::FlatBufferBuilder game(2048);
    const auto text = game.CreateString(std::string(1000, 'a'));
    const auto chat = CreateChatMessage(game, 0, {}, text);
    FinishMessageBuffer(game, CreateMessage(game, Body::ChatMessage, chat.Union()));
    return net::Message::copy_of(schemas::Bytes{reinterpret_cast<const std::byte*>(game.GetBufferPointer()), game.GetSize()});
}

// Inputs whose fields hold the bit patterns of NaN and infinities (the wire
// has no floats: these must be clamped like any other value), and clock
// stamps that are NaN and -inf as doubles.
void nan_inputs(Attempt& a, protocol::Codec& codec) {
    if (!a.open_room(a.target.room)) return;
    a.send_message(text_of(codec.hello("nan")));
    constexpr std::uint32_t kNanBits = 0x7FC00000, kInfBits = 0x7F800000;
    constexpr std::int64_t kNanDouble = 0x7FF8000000000000, kMinusInfDouble = static_cast<std::int64_t>(0xFFF0000000000000u);
    const auto end = Clock::now() + a.target.nan_duration;
    std::uint32_t sequence = 0;
    while (Clock::now() < end) {
        const protocol::Frame frames[] = {
            protocol::Frame(kNanBits, ++sequence, static_cast<Buttons>(0xFFFF), 0x7F80, -128, 127),
            protocol::Frame(kInfBits, ++sequence, static_cast<Buttons>(0xFFFF), 0xFFFF, 127, -128),
        };
        if (!a.send(a.message_frame(text_of(codec.input(frames)), true))) return;
        if (sequence % 12 == 0) {
            a.send_message(text_of(codec.clock_request(sequence % 24 == 0 ? kNanDouble : kMinusInfDouble)));
        }
        std::this_thread::sleep_for(16ms);
        if (a.socket.read_some(a.received, 0ms) == RawSocket::Read::closed) break;
    }
    a.await_close(200ms);  // nothing expected: the connection stays open
    if (!a.out.closed) a.send(frame(kFin | kClose, std::string("\x03\xe8", 2)));
}

// ---- resume tokens: each refused resume must get a fresh session (a new
// Welcome, not resumed), never the session it names. ----

// The resume attacks join as a player and wait for the server to have read
// the join (a clock round trip) before "losing" the connection, so the seat
// is really held; afterwards they take their own session back with its
// newest token and leave, so a loop of attacks does not fill the room.
// out.local stays the refused socket's address (the log line names it).

struct HeldSession {
    std::uint64_t id = 0;
    std::string token;
};

bool join_and_hold(Attempt& a, std::string_view name, HeldSession& held) {
    if (!a.open_room(a.target.room)) return false;
    a.join(name);
    if (!a.confirm_token()) return false;
    held = {a.session_id, a.resume_proof};
    return true;
}

void give_back(Attempt& a, const HeldSession& held) {
    const std::string refused = a.out.local;
    schemas::HelloInfo hello;
    hello.session_id = held.id;
    hello.resume_proof = bytes_of(held.token);
    if (a.reopen(hello)) a.leave();
    a.out.local = refused;
}

// Our own session's token with one signature byte changed.
void forged_resume(Attempt& a) {
    HeldSession held;
    if (!join_and_hold(a, "forger", held)) return;
    std::string forged = held.token;
    if (forged.empty()) {
        a.out.error = "the server issued no resume token";
        return;
    }
    forged.back() = static_cast<char>(forged.back() ^ 0x01);
    if (a.reopen(a.resume_hello(forged))) a.leave();
    give_back(a, held);
}

// Resume once with token 1 (and get token 2), then again with token 1.
void replayed_resume(Attempt& a) {
    HeldSession held;
    if (!join_and_hold(a, "replayer", held)) return;
    const std::string first = held.token;
    if (!a.reopen(a.resume_hello(first)) || !a.confirm_token()) return;
    held.token = a.resume_proof;  // token 2
    if (a.reopen(a.resume_hello(first))) a.leave();
    give_back(a, held);
}

// Session A's token presented for session B.
void foreign_resume(Attempt& a) {
    if (!a.open_room(a.target.room)) return;
    const std::string token_of_a = a.resume_proof;
    Attempt b{a.target, a.out};
    if (!b.open_room(a.target.room)) return;
    const schemas::HelloInfo hello = b.resume_hello(token_of_a);  // points into token_of_a
    Attempt c{a.target, a.out};
    if (c.open("/room/" + a.target.room, a.target.source) && c.handshake(hello)) {
        a.out.local = c.socket.local();
        c.leave();
    }
    b.leave();
    a.leave();
}

// A token used after its lifetime: the server must be configured with one
// shorter than token_expiry_wait. No player joins (nothing to give back
// once the token is dead); the token is checked before the session is.
void expired_resume(Attempt& a) {
    if (!a.open_room(a.target.room)) return;
    const std::string token = a.resume_proof;
    a.socket.reset();
    std::this_thread::sleep_for(a.target.token_expiry_wait);
    if (a.reopen(a.resume_hello(token))) a.leave();
}

void per_ip_flood(const Target& target, Outcome& out) {
    std::vector<Attempt> held;
    held.reserve(static_cast<std::size_t>(target.flood_count));
    for (int i = 0; i < target.flood_count; ++i) {
        held.push_back(Attempt{target, out});
        if (!held.back().connect(target.flood_source)) return;
    }
    // Refused sockets are closed at accept with nothing said; admitted ones
    // stay open (or, later, get a 408).
    std::this_thread::sleep_for(300ms);
    for (Attempt& a : held) {
        const bool closed = a.socket.read_some(a.received, 0ms) == RawSocket::Read::closed;
        (closed && a.received.empty() ? out.refused : out.accepted) += 1;
    }
}

void global_flood(const Target& target, Outcome& out) {
    std::vector<Attempt> held;
    held.reserve(static_cast<std::size_t>(target.flood_count));
    for (int i = 0; i < target.flood_count; ++i) {
        held.push_back(Attempt{target, out});
        Attempt& a = held.back();
        if (a.open("/room/" + target.room, target.flood_base + std::to_string(1 + i % 250))) {
            ++out.accepted;
        } else if (out.http_status == 503) {
            ++out.refused;
        } else if (!out.error.empty()) {
            return;
        }
    }
    out.http_status = out.refused > 0 ? 503 : 0;
}

}  // namespace

const std::vector<Attack>& all_attacks() {
    static const std::vector<Attack> all = [] {
        std::vector<Attack> v;
        for (std::size_t i = 0; i < kNames.size(); ++i) v.push_back(static_cast<Attack>(i));
        return v;
    }();
    return all;
}

std::string_view to_string(Attack attack) noexcept {
    const auto i = static_cast<std::size_t>(attack);
    return i < kNames.size() ? kNames[i] : "?";
}

bool parse_attack(std::string_view name, Attack& out) noexcept {
    for (std::size_t i = 0; i < kNames.size(); ++i) {
        if (name == kNames[i]) {
            out = static_cast<Attack>(i);
            return true;
        }
    }
    return false;
}

Outcome run_attack(Attack attack, const Target& target) {
    Outcome out;
    Attempt a{target, out};
    protocol::Codec codec;
    const std::string room = "/room/" + target.room;
    switch (attack) {
    case Attack::plain_get:
        a.request("GET " + room + " HTTP/1.1\r\nHost: " + target.address + "\r\n\r\n");
        break;
    case Attack::plain_post:
        a.request("POST " + room + " HTTP/1.1\r\nHost: " + target.address + "\r\nContent-Length: 0\r\n\r\n");
        break;
    case Attack::random_bytes: {
        std::mt19937 rng(target.seed);
        std::string junk(512, '\0');
        for (char& c : junk) c = static_cast<char>(rng() & 0xFF);
        junk[0] = '\x01';  // never a method's first letter, whatever the seed
        a.request(junk);
        break;
    }
    case Attack::oversize_headers:
        a.request("GET " + room + " HTTP/1.1\r\nHost: " + target.address + "\r\nX-Pad: " + std::string(16384, 'a') +
                  "\r\n\r\n");
        break;
    case Attack::request_body: {
        std::string r = upgrade_request(target.address, room);
        r.insert(r.size() - 2, "Content-Length: 100000\r\n");
        a.request(r + std::string(1000, 'b'));
        break;
    }
    case Attack::trickled_handshake: trickle(a); break;
    case Attack::silent_tcp:
        if (a.connect(target.source)) a.read_http_status(Clock::now() + target.answer_timeout);
        break;
    case Attack::silent_after_upgrade:
        if (a.open_room(target.room)) a.await_close(target.answer_timeout);
        break;
    case Attack::huge_frame:
        a.probe(frame_header(kFin | kBinary, std::uint64_t{1} << 63, true) + "some of it");
        break;
    case Attack::endless_continuation: endless_continuation(a); break;
    case Attack::text_frame:
        a.probe(frame(kFin | kText, "hello"));
        break;
    case Attack::unmasked_frame:
        a.probe(frame(kFin | kBinary, text_of(codec.hello("naked")), false));
        break;
    case Attack::reserved_bits:
        a.probe(frame(kFin | kRsv2 | kBinary, text_of(codec.hello("rsv"))));
        break;
    case Attack::unknown_opcode:
        a.probe(frame(kFin | 0x3, "?"));
        break;
    case Attack::ping_flood: ping_flood(a); break;
    case Attack::orphan_continuation:
        a.probe(frame(kFin | kContinuation, "tail"));
        break;
    case Attack::invalid_flatbuffers:
        if (a.open_room(target.room)) {
            a.send_message("TWS1 but not really a flatbuffer, is it");
            a.await_close(target.answer_timeout);
        }
        break;
    case Attack::wrong_version:
        if (a.open_room(target.room)) {
            flatbuffers::FlatBufferBuilder fbb(256);
            a.send_message(text_of(schemas::encode_hello(fbb, {.protocol_version = 99, .client_name = "old"})));
            a.await_close(target.answer_timeout);
        }
        break;
    case Attack::unknown_room:
        if (a.open_room(target.missing_room)) {
            a.send_message(text_of(codec.hello("lost")));
            a.await_close(target.answer_timeout);
        }
        break;
    case Attack::malformed_room:
        if (a.open("/room/%3Cscript%3E..%2F" + std::string(40, 'z'), target.source) && (!target.session || a.handshake({})))
            a.await_close(target.answer_timeout);
        break;
    case Attack::input_flood:
        if (a.open_room(target.room)) {
            a.send_message(text_of(codec.hello("flood")));
            const protocol::Frame f(1, 1, Buttons::NONE, 0, 0, 0);
            std::string burst;
            for (std::uint32_t i = 0; i < 2000; ++i) burst += a.message_frame(text_of(codec.input(std::span<const protocol::Frame>(&f, 1))), true);
            a.send(burst);
            a.await_close(target.answer_timeout);
        }
        break;
    case Attack::chat_flood:
        if (a.open_room(target.room)) {
            a.send_message(text_of(codec.hello("chatty")));
            std::string burst;
            for (int i = 0; i < 60; ++i) burst += a.message_frame(text_of(codec.chat(0, "", "spam " + std::to_string(i))));
            a.send(burst);
            a.await_close(target.answer_timeout);
        }
        break;
    case Attack::oversize_chat:
        if (a.open_room(target.room)) {
            a.send_message(text_of(codec.hello("shouty")));
            a.send_message(text_of(oversize_chat_message()));
            a.await_close(target.answer_timeout);
        }
        break;
    case Attack::nan_inputs: nan_inputs(a, codec); break;
    case Attack::per_ip_flood: per_ip_flood(target, out); break;
    case Attack::global_flood: global_flood(target, out); break;
    case Attack::invalid_envelope:
        if (a.open(room, target.source)) {
            a.send(frame(kFin | kBinary, "TWS1 but not really a flatbuffer, is it"));  // where the session Hello belongs
            a.await_close(target.answer_timeout);
        }
        break;
    case Attack::forged_resume_token: forged_resume(a); break;
    case Attack::replayed_resume_token: replayed_resume(a); break;
    case Attack::foreign_resume_token: foreign_resume(a); break;
    case Attack::expired_resume_token: expired_resume(a); break;
    }
    return out;
}

}  // namespace tickwire::game::attacker
