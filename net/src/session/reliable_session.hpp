#pragma once
// ReliableSession: one end of a session-mode connection's envelope layer —
// numbering and keeping reliable messages until acknowledged, dropping
// duplicates, and encoding/decoding the session.fbs packets (Hello, Welcome,
// Payload, Ack). Knows nothing of sockets: the channel driver and the server
// core feed it bytes and write what it returns. It outlives connections; that
// is how a resumed session resends exactly what the peer has not received.
//
// Thread: network thread only (the encoder is one builder per thread).

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "tickwire/net/message.hpp"
#include "tickwire/net/session.hpp"

namespace tickwire::net::detail {

class ReliableSession {
public:
    explicit ReliableSession(const SessionOptions& options) : options_(options) {}

    // Sending
    /// Numbers and keeps `payload`; returns the envelope to write now. Empty
    /// when the payload cannot travel (empty, over 64 KiB: `invalid`) or the
    /// kept bound is hit (`full`).
    Message wrap_reliable(const Message& payload, bool& full, bool& invalid);
    /// A latest-state envelope (not numbered, not kept); empty if invalid.
    Message wrap_latest(const Message& payload);
    /// The peer has everything up to `ack`: forget it.
    void on_ack(std::uint32_t ack) noexcept;
    /// Envelopes of every kept message, in order, for a resumed connection.
    template <class Write>
    void resend(Write&& write) {
        for (std::size_t i = head_; i < kept_.size(); ++i) write(envelope(kept_[i].payload, kept_[i].sequence, true));
    }

    // Receiving
    struct Incoming {
        enum class Kind : std::uint8_t { message, duplicate, ack, hello, welcome, ping, pong, other, invalid };
        Kind kind = Kind::invalid;
        Message payload;             ///< message: the game's bytes (a copy)
        bool reliable = false;       ///< message: numbered, so it must be acknowledged
        std::uint64_t session_id = 0;
        std::span<const std::byte> proof;  ///< hello/welcome: points into the packet
        std::uint32_t received = 0;  ///< hello/welcome: the peer's newest reliable in-order sequence
        std::uint16_t protocol_version = 0;
        bool resumed = false;        ///< welcome
        bool answers_ping = false;   ///< welcome: the peer answers Ping
        std::uint64_t sent_us = 0;   ///< ping/pong: the prober's stamp
        std::string_view why;        ///< invalid: static text
    };
    /// Decodes one packet (verified before anything is read). Hello/Welcome
    /// fields point into `packet`, which must outlive their use. Unless
    /// `accept_payloads`, a Payload is invalid and changes nothing (before the
    /// handshake, no sequence number may be consumed).
    Incoming receive(const Message& packet, bool accept_payloads = true);

    /// Received reliable messages the peer has not been told about yet.
    [[nodiscard]] std::uint32_t unacknowledged_received() const noexcept { return received_ - ack_sent_; }
    /// A bare Ack for everything received so far.
    Message make_ack();
    [[nodiscard]] std::uint32_t received() const noexcept { return received_; }
    [[nodiscard]] std::size_t kept() const noexcept { return kept_.size() - head_; }

    /// A fresh session: forget everything sent and received.
    void reset();

    static Message make_hello(std::uint64_t session_id, std::span<const std::byte> proof, std::uint32_t received);
    static Message make_welcome(std::uint64_t session_id, std::span<const std::byte> proof, std::uint32_t received,
                                bool resumed);
    static Message make_ping(std::uint64_t sent_us);
    static Message make_pong(std::uint64_t sent_us);

private:
    struct Kept {
        std::uint32_t sequence;
        Message payload;
    };

    Message envelope(const Message& payload, std::uint32_t sequence, bool reliable);

    SessionOptions options_;
    std::vector<Kept> kept_;  // [head_, end) unacknowledged, oldest first; storage reused
    std::size_t head_ = 0;
    std::size_t kept_bytes_ = 0;
    std::uint32_t next_sequence_ = 1;
    std::uint32_t received_ = 0;  ///< newest reliable sequence delivered in order
    std::uint32_t ack_sent_ = 0;  ///< newest ack told to the peer
};

}  // namespace tickwire::net::detail
