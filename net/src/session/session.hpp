#pragma once
// Session: one end of a resumable session, or of a plain connection — the
// protocol layer between the game's messages and whatever connection carries
// them (a Beast socket, a browser WebSocket). No sockets, no clocks: bytes in
// (receive), bytes out (through the Link it is attached to), time passed in.
//
//   game message ──send()──▶ Session ──Link::send()──▶ the current connection
//   game message ◀─Received── Session ◀──receive()──── the current connection
//
// Plain mode (SessionOptions::enabled false) passes messages through as they
// are, so a server or channel has one code path for both modes. Session mode
// speaks the Hello/Welcome of schemas/session.fbs and the envelope of
// schemas/envelope.hpp (see reliable_session.cpp):
//  - Hello/Welcome: the client's hello() and the Welcome it receives; the
//    server's welcome() (SessionTable decides fresh or resumed).
//  - Reliable messages are numbered, kept until acknowledged (bounded: a full
//    buffer is Sent::overflow, which the owner turns into close 1008) and
//    resent after a resume; latest-state ones are never kept.
//  - Acks ride on outgoing envelopes (a latest-state one carries it only
//    when one is owed: otherwise its envelope is one byte). A bare ack goes when kAckEagerly
//    reliable messages are unacknowledged, or at ack_deadline() — the owner
//    calls on_deadline() then (its loop's timer).
//  - Round trips: ping() sends a stamped Ping once the Welcome said the peer
//    answers them; the Pong comes back as Received::rtt_us. Every session
//    answers Pings, at most kPingsPerSecond (the rest are ignored). A browser
//    cannot see WebSocket pings: this is how its channel measures RTT.
// A Session outlives its connections: attach() a new one after a reconnect.
//
// Thread: one network thread (or the browser's event loop) only.

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "session/reliable_session.hpp"
#include "tickwire/net/message.hpp"
#include "tickwire/net/session.hpp"
#include "tickwire/net/token_bucket.hpp"

namespace tickwire::net::detail {

using SteadyTime = std::chrono::steady_clock::time_point;

/// Received reliable messages that make a bare Ack go at once instead of
/// waiting for SessionOptions::ack_delay: a busy sender is not held back by
/// its unacknowledged bound, and resends after a resume stay short.
inline constexpr std::uint32_t kAckEagerly = 32;

/// Pings a session answers per second, and at once: a client probing every
/// ChannelOptions::ping_interval (1 s) stays well inside, and a peer that
/// floods gets no more than this many Pongs out of us.
inline constexpr double kPingsPerSecond = 4;

/// A connection as a session sees it: where its packets go. Implemented by
/// each transport's connection. Same thread as the session.
class Link {
public:
    virtual ~Link() = default;
    virtual void send(Message packet) = 0;
    /// Latest-state: an earlier one not yet written is dropped. True if one was.
    virtual bool send_latest(Message packet) = 0;
    /// Session mode: one packet in two parts, the envelope `head` and the
    /// game's `body`. A transport that gathers writes sends them as one
    /// message without copying `body`, so every recipient of a broadcast
    /// shares its buffer; this default joins them into a new one.
    /// `latest`: as send_latest (returns whether one was superseded).
    virtual bool send_parts(std::span<const std::byte> head, Message body, bool latest);
};

class Session {
public:
    enum class Role : std::uint8_t { client, server };

    Session(const SessionOptions& options, Role role);

    [[nodiscard]] bool enveloped() const noexcept { return options_.enabled; }

    // The connection underneath
    /// A (new) connection carries the session. A client then says hello()
    /// and waits for the Welcome; a server calls welcome().
    void attach(Link* link) noexcept;
    void detach() noexcept { link_ = nullptr; }
    [[nodiscard]] Link* link() const noexcept { return link_; }
    /// Session mode, client: the Welcome has arrived on this connection.
    [[nodiscard]] bool established() const noexcept { return established_; }

    // Sending
    enum class Sent : std::uint8_t {
        written,     ///< on the link
        superseded,  ///< on the link, and an unsent earlier latest-state message was dropped
        kept,        ///< no link: kept to be resent when the client resumes
        skipped,     ///< no link, and nothing to keep (latest-state, or plain mode)
        invalid,     ///< empty or over 64 KiB in session mode: dropped
        overflow,    ///< the unacknowledged bound is hit: the session must end (1008)
    };
    Sent send(Message payload, Delivery delivery);

    // Receiving
    struct Received {
        enum class Kind : std::uint8_t {
            deliver,    ///< `payload` is the game's message
            nothing,    ///< an ack, a duplicate, a packet not for net (clock sync…)
            welcome,    ///< client: the session is established (see `resumed`)
            violation,  ///< the peer broke the protocol: close 1002, `why` says why
        };
        Kind kind = Kind::nothing;
        Message payload;
        bool resumed = false;           ///< welcome: the same session carries on
        bool replaced = false;          ///< welcome: a fresh session replaced an earlier one
        bool ack_deadline_set = false;  ///< a bare Ack is now due at ack_deadline()
        std::uint64_t rtt_us = 0;       ///< the Pong of our last Ping: the round trip (≥ 1), else 0
        std::string_view why;           ///< violation: static text
    };
    /// One packet from the link (the session must be attached). `now` times the ack.
    Received receive(Message packet, SteadyTime now);

    // Ack timing
    [[nodiscard]] std::optional<SteadyTime> ack_deadline() const noexcept { return ack_deadline_; }
    /// The loop's timer reached ack_deadline(): a bare Ack goes if one is still owed.
    void on_deadline(SteadyTime now);
    /// A bare ack now if one is owed, deadline or not (a server about to
    /// write to this connection anyway: it joins that write).
    void send_owed_ack();

    // Round trips
    /// Sends a Ping stamped `now` if the peer said it answers them; false if
    /// not (or there is no established link). A Pong for an earlier Ping no
    /// longer counts once a new one is out.
    bool ping(SteadyTime now);
    [[nodiscard]] bool peer_answers_pings() const noexcept { return peer_answers_pings_; }

    // Handshake
    /// Client: the Hello for the attached connection (a resume once there was a Welcome).
    [[nodiscard]] Message hello() const;
    /// Server: answer a Hello — a fresh session or a resumed one, whose peer
    /// has everything up to `peer_received` — then resend what it lacks.
    void welcome(std::uint64_t session_id, std::span<const std::byte> resume_token, bool resumed,
                 std::uint32_t peer_received);
    /// Server, before a session exists: read a would-be Hello (nothing sticks).
    static ReliableSession::Incoming read_hello(const Message& packet);

    [[nodiscard]] std::uint64_t id() const noexcept { return id_; }
    [[nodiscard]] std::size_t kept() const noexcept { return reliable_.kept(); }

private:
    Received on_welcome(const ReliableSession::Incoming& welcome);
    void send_ack_now();
    void answer_ping(std::uint64_t sent_us, SteadyTime now);

    SessionOptions options_;
    Role role_;
    ReliableSession reliable_;
    Link* link_ = nullptr;
    bool established_ = false;
    std::optional<SteadyTime> ack_deadline_;
    std::uint64_t id_ = 0;
    std::vector<std::byte> token_;  ///< client: the newest resume token
    bool peer_answers_pings_ = false;
    std::optional<std::uint64_t> ping_out_;  ///< the stamp of the Ping awaiting its Pong
    TokenBucket pongs_{kPingsPerSecond, kPingsPerSecond};
    std::optional<SteadyTime> pongs_refilled_;
};

}  // namespace tickwire::net::detail
