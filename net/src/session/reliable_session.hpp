#pragma once
// ReliableSession: one end of a session-mode connection's envelope layer —
// numbering and keeping reliable messages until acknowledged, dropping
// duplicates, and encoding/decoding what travels: the envelope headers
// (schemas/envelope.hpp: a few bytes before each game message, which itself
// is never copied on the way out) and the session.fbs Hello and Welcome.
// Knows nothing of sockets: the channel driver and the server core feed it
// bytes and write what it returns. It outlives connections; that is how a
// resumed session resends exactly what the peer has not received.
//
// Thread: network thread only (the encoder is one builder per thread).

#include <array>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "tickwire/net/message.hpp"
#include "tickwire/net/session.hpp"
#include "tickwire/schemas/envelope.hpp"

namespace tickwire::net::detail {

/// An envelope header, written before a game message (or alone: a bare ack).
struct EnvelopeHead {
    std::array<std::byte, schemas::envelope::kMaxHeaderBytes> bytes{};
    std::uint8_t size = 0;
    [[nodiscard]] std::span<const std::byte> span() const noexcept { return {bytes.data(), size}; }
};

class ReliableSession {
public:
    explicit ReliableSession(const SessionOptions& options) : options_(options) {}

    // Sending
    /// Whether a game message can travel in an envelope (not empty, at most 64 KiB).
    static bool can_travel(const Message& payload) noexcept;
    /// Numbers and keeps `payload` (which must be able to travel); returns
    /// the header to write before it. Nothing is kept, and `full` is set, when
    /// the kept bound is hit.
    EnvelopeHead wrap_reliable(const Message& payload, bool& full);
    /// The header of a latest-state message (not numbered, not kept): one
    /// byte, or the ack as well when one is owed.
    EnvelopeHead wrap_latest();
    /// The peer has everything up to `ack`: forget it.
    void on_ack(std::uint32_t ack) noexcept;
    /// Every kept message, in order, for a resumed connection: write(head, payload).
    template <class Write>
    void resend(Write&& write) {
        for (std::size_t i = head_; i < kept_.size(); ++i) write(head(kept_[i].sequence).span(), kept_[i].payload);
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
    /// Decodes one packet (every length checked before it is read; Hello and
    /// Welcome verified). Hello/Welcome fields point into `packet`, which must
    /// outlive their use. Unless `accept_payloads`, a game message is invalid
    /// and changes nothing (before the handshake, no sequence number may be
    /// consumed).
    Incoming receive(const Message& packet, bool accept_payloads = true);

    /// Received reliable messages the peer has not been told about yet.
    [[nodiscard]] std::uint32_t unacknowledged_received() const noexcept { return received_ - ack_sent_; }
    /// A bare ack for everything received so far.
    EnvelopeHead make_ack();
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

    /// A reliable message's header; the ack rides on it.
    EnvelopeHead head(std::uint32_t sequence);
    Incoming receive_envelope(const Message& packet, bool accept_payloads);

    SessionOptions options_;
    std::vector<Kept> kept_;  // [head_, end) unacknowledged, oldest first; storage reused
    std::size_t head_ = 0;
    std::size_t kept_bytes_ = 0;
    std::uint32_t next_sequence_ = 1;
    std::uint32_t received_ = 0;  ///< newest reliable sequence delivered in order
    std::uint32_t ack_sent_ = 0;  ///< newest ack told to the peer
};

}  // namespace tickwire::net::detail
