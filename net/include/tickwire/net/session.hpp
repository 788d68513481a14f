#pragma once
// Session mode, reconnect and delivery classes: the resilience options a
// Channel and a Server share.
//
// Session mode (opt-in on both ends; plain WebSocket peers such as
// tickwire-echo or npm `ws` keep working without it) adds a Hello/Welcome
// handshake (schemas/session.fbs) that issues a session id and a signed
// resume token, and puts a few bytes before every message
// (schemas/envelope.hpp): a sequence number and a cumulative ack for reliable
// ones, one byte for latest-state ones.
//
//  - Delivery::reliable messages are numbered, acknowledged, kept until
//    acknowledged (bounded) and resent after a resume; the receiver drops
//    duplicates, so each arrives exactly once and in order across reconnects.
//  - Delivery::latest messages (snapshots, input) are never resent: the next
//    state replaces them. An unsent one is superseded by the next.
//  - A reconnect that gets a fresh session instead (the server restarted or
//    the grace period ran out: the stream says opened, not resumed) starts
//    empty: what the old session had not delivered, and what the game added
//    while reconnecting, is dropped (ChannelStats::dropped_out).
//
// Without session mode the classes keep their plain meaning: reliable is an
// ordinary send (today's behaviour), latest supersedes an unsent predecessor.
//
// Thread: plain values, any thread.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

namespace tickwire::net {

enum class Delivery : std::uint8_t {
    reliable,  ///< default: in order, never dropped (and, in session mode, exactly once across reconnects)
    latest,    ///< only the newest matters: superseded if unsent, never resent
};

struct SessionOptions {
    bool enabled = false;  ///< both peers must agree: a session-mode end speaks only the envelope
    /// Reliable messages kept until the peer acknowledges them. Hitting either
    /// bound ends the session: close 1008 "reliable send buffer full" (the
    /// channel also reports ErrorKind::overflow), never a silent gap.
    std::size_t max_unacked_messages = 8192;
    std::size_t max_unacked_bytes = 8u << 20;
    /// How long received reliable messages may wait for an ack to ride on
    /// outgoing data before a bare Ack is sent. Longer than a tick at 30 Hz,
    /// so a game that sends every tick never sends a bare ack (a server
    /// sends owed acks with each flush() anyway).
    std::chrono::milliseconds ack_delay{50};

    // Server only
    /// A session whose connection drops without a close frame is held this long
    /// for its client to resume; then the game sees it disconnected.
    std::chrono::milliseconds grace_period{30000};
    /// Lifetime of a resume token (a fresh one comes with every Welcome).
    std::chrono::milliseconds token_lifetime{std::chrono::hours(24)};
    /// HMAC key for resume tokens; empty = 32 random bytes per server (tokens
    /// then die with the process, so a restarted server starts fresh sessions).
    std::string secret;
};

struct ReconnectOptions {
    bool enabled = false;
    /// Backoff with full jitter: attempt n waits uniform(0, min(max, base × 2^(n-1))).
    std::chrono::milliseconds base_delay{250};
    std::chrono::milliseconds max_delay{10000};
    /// Consecutive failed attempts before giving up with a final closed event (0 = never).
    std::uint32_t max_attempts = 0;
};

}  // namespace tickwire::net
