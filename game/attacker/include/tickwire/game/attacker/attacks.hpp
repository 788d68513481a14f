#pragma once
// Attacks on a tickwire match server: every kind of hostile input the server
// must survive, each run over its own raw TCP socket(s) (plain POSIX sockets,
// blocking with deadlines), reporting what the server answered. The abuse
// suite (tests/abuse) asserts the outcomes; tickwire-attacker runs them in a
// loop against a live server for the abuse benchmark (bench/abuse).
//
// Thread: run_attack() may be called from any thread; it blocks until the
// attack is over (bounded by Target timeouts). Nothing is shared between calls.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tickwire::game::attacker {

enum class Attack : std::uint8_t {
    plain_get,             ///< GET without upgrade                       -> HTTP 426
    plain_post,            ///< POST without upgrade                      -> HTTP 405
    random_bytes,          ///< 512 seeded random bytes instead of HTTP   -> HTTP 400
    oversize_headers,      ///< 16 KiB of request headers                 -> HTTP 431
    request_body,          ///< an upgrade request with a 100 kB body     -> HTTP 413
    trickled_handshake,    ///< upgrade request one byte per trickle_interval -> HTTP 408 before it is sent
    silent_tcp,            ///< connect, say nothing                      -> HTTP 408
    silent_after_upgrade,  ///< WebSocket (and session) open, never a game Hello -> close 4008
    huge_frame,            ///< frame header claiming 2^63 payload bytes  -> close 1009
    endless_continuation,  ///< a message in 4 KiB fragments, never final -> close 1009
    text_frame,            ///< a text frame                              -> close 1003
    unmasked_frame,        ///< client frame without mask                 -> close 1002
    reserved_bits,         ///< RSV2 set without an extension             -> close 1002
    unknown_opcode,        ///< opcode 0x3                                -> close 1002
    orphan_continuation,   ///< continuation frame with no message open   -> close 1002
    invalid_flatbuffers,   ///< game bytes that are no FlatBuffer         -> close 4000
    wrong_version,         ///< Hello with protocol version 99            -> close 4005
    unknown_room,          ///< Hello to a room that does not exist       -> close 4004 (server without create)
    malformed_room,        ///< /room/<code with forbidden characters>    -> close 4004
    input_flood,           ///< 2000 input messages at once (> 2 s burst + 10 s overdraft) -> close 1008
    chat_flood,            ///< 60 chat messages at once                  -> close 1008
    oversize_chat,         ///< chat text of 1000 bytes                   -> close 4000
    nan_inputs,            ///< inputs and clock stamps carrying NaN/inf bit patterns -> clamped, stays open
    ping_flood,            ///< 125-byte pings as fast as TCP takes them, never reading -> the server stops
                           ///< reading (its pongs wait): the sends stall well before ping_flood_bytes
    // Session mode (net/session.hpp): the envelope and its resume tokens.
    invalid_envelope,      ///< a first message that is not the session Hello -> close 1002
    forged_resume_token,   ///< our own session's token with a signature byte flipped -> a fresh session
    replayed_resume_token, ///< resume twice with the same token (the first resume issued a newer one) -> fresh
    foreign_resume_token,  ///< session B's id with session A's token      -> a fresh session, B untouched
    expired_resume_token,  ///< resume after token_expiry_wait (server token lifetime shorter) -> fresh
    // Floods last: until their sockets time out the server is full, and a
    // loop of attacks would meet 503 instead of the case it means to test.
    per_ip_flood,          ///< flood_count silent sockets from one address -> beyond the limit closed at accept
    global_flood,          ///< flood_count upgrades from distinct addresses -> beyond the limit HTTP 503
};

/// Every attack, in declaration order.
[[nodiscard]] const std::vector<Attack>& all_attacks();
[[nodiscard]] std::string_view to_string(Attack attack) noexcept;
/// False if `name` is no attack.
bool parse_attack(std::string_view name, Attack& out) noexcept;

struct Target {
    std::string address = "127.0.0.1";  ///< the server, IPv4
    std::uint16_t port = 7777;
    std::string room = "arena";          ///< an existing room
    std::string missing_room = "nosuch"; ///< a room that does not exist
    /// Source address for single-socket attacks (any 127.x.y.z on Linux loopback).
    std::string source = "127.0.0.1";
    /// per_ip_flood: from this address. global_flood: from base + 0, 1, 2 ...
    std::string flood_source = "127.0.0.3";
    std::string flood_base = "127.0.1.";
    int flood_count = 40;
    std::chrono::milliseconds trickle_interval{1000};
    /// Longest wait for the server's answer to one attack.
    std::chrono::milliseconds answer_timeout{8000};
    /// nan_inputs: how long to keep sending after the Hello.
    std::chrono::milliseconds nan_duration{500};
    /// ping_flood: give up after this many bytes of pings without a stall.
    std::size_t ping_flood_bytes = 64u << 20;
    /// The server runs tickwire session mode (tickwire-server's default): open
    /// with the net Hello/Welcome and wrap every game message in its envelope.
    bool session = true;
    /// expired_resume_token: wait this long before resuming; the server's
    /// token lifetime (ServerConfig::session_token_lifetime) must be shorter.
    std::chrono::milliseconds token_expiry_wait{1500};
    std::uint32_t seed = 1;
};

struct Outcome {
    int http_status = 0;       ///< HTTP status the server answered (0: none)
    int close_code = 0;        ///< WebSocket close code received (0: none)
    bool closed = false;       ///< the server ended the connection
    std::string close_reason;  ///< from the close frame
    std::string local;         ///< "address:port" of the (first) attacking socket, as the server logs it
    std::size_t bytes_sent = 0;
    bool stalled = false;           ///< ping_flood: a send made no progress for a second (TCP back-pressure)
    std::size_t request_bytes = 0;  ///< trickled_handshake: the whole request's size
    int accepted = 0, refused = 0;  ///< floods: sockets kept / refused (closed at once or 503)
    int welcomes = 0, resumes = 0;  ///< session Welcomes received, and how many said resumed
    std::string error;              ///< set when the attack itself could not run (e.g. connect failed)
};

[[nodiscard]] Outcome run_attack(Attack attack, const Target& target);

}  // namespace tickwire::game::attacker
