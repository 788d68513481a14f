// The session envelope and exactly-once bookkeeping.
//
// Wire format (session mode, session protocol version 2): every WebSocket
// binary message is one of
//
//   client → server  Hello     session.fbs Packet ("TWS1"): protocol_version,
//                              session_id (0 = new session), resume_proof (the
//                              last token, empty when new), received (newest
//                              reliable sequence received)
//   server → client  Welcome   session.fbs Packet: protocol_version,
//                              session_id, resume_proof (a new 48-byte token:
//                              id | expiry | HMAC, resume_token.hpp),
//                              received, resumed, answers_ping (always true)
//   both ways        Ping      session.fbs Packet: sent_us (the prober's
//                              clock), after the Welcome said answers_ping;
//                              answered by a Pong with the same stamp, at
//                              most kPingsPerSecond (session.hpp). About one
//                              a second: they stay Packets (~40 bytes)
//                    envelope  schemas/envelope.hpp: a kind byte, then
//                              reliable:    varint sequence (1, 2, 3… per
//                                           direction), varint ack, message
//                              latest:      the message (one byte of
//                                           envelope), or with an owed ack:
//                                           varint ack, message
//                              ack:         varint ack, when nothing carried
//                                           it in time (session.hpp:
//                                           kAckEagerly and ack_delay)
//
// `ack` is cumulative: the newest reliable sequence received in order. The
// message (the game's, at most 64 KiB, never empty) is the rest of the
// WebSocket message; the sender writes it from the game's own buffer (one
// buffer for every recipient of a broadcast) behind a header of 1-11 bytes.
// The first byte tells the two apart: a FlatBuffer's is a multiple of 4, an
// envelope kind never is (the full table is atop schemas/src/envelope.cpp).
//
// Nothing may precede the Hello, and no message the Welcome. A reliable
// sequence must be exactly one more than the last (an older one is a resend
// after a resume and is dropped; a gap is a protocol error, close 1002). A
// session.fbs Payload or Ack (protocol version 1) is a protocol error too;
// client_name, tick_rate_hz, server_tick and the clock-sync and Error kinds
// belong to the game's own protocol, not to net's.
#include "session/reliable_session.hpp"

#include "tickwire/schemas/session.hpp"

namespace tickwire::net::detail {

namespace {

namespace session = tickwire::session;

// One builder per thread, reused: after warm-up encoding allocates nothing.
flatbuffers::FlatBufferBuilder& builder() {
    thread_local flatbuffers::FlatBufferBuilder fbb(1024);
    return fbb;
}

namespace envelope = schemas::envelope;

EnvelopeHead write(const envelope::Header& header) {
    EnvelopeHead head;
    head.size = static_cast<std::uint8_t>(envelope::write_header(header, head.bytes.data()));
    return head;
}

}  // namespace

bool ReliableSession::can_travel(const Message& payload) noexcept {
    return !payload.empty() && payload.size() <= schemas::kMaxGameMessageBytes;
}

EnvelopeHead ReliableSession::head(std::uint32_t sequence) {
    ack_sent_ = received_;  // the ack rides on this envelope
    return write({envelope::Kind::reliable, sequence, received_});
}

EnvelopeHead ReliableSession::wrap_reliable(const Message& payload, bool& full) {
    full = kept() >= options_.max_unacked_messages || kept_bytes_ + payload.size() > options_.max_unacked_bytes;
    if (full) return {};
    const std::uint32_t sequence = next_sequence_++;
    kept_.push_back({sequence, payload});
    kept_bytes_ += payload.size();
    return head(sequence);
}

EnvelopeHead ReliableSession::wrap_latest() {
    if (unacknowledged_received() == 0) return write({envelope::Kind::latest, 0, 0});
    ack_sent_ = received_;
    return write({envelope::Kind::latest_ack, 0, received_});
}

void ReliableSession::on_ack(std::uint32_t ack) noexcept {
    while (head_ < kept_.size() && kept_[head_].sequence <= ack) {
        kept_bytes_ -= kept_[head_].payload.size();
        kept_[head_].payload.reset();
        ++head_;
    }
    if (head_ == kept_.size()) {
        kept_.clear();  // keeps capacity
        head_ = 0;
    } else if (head_ >= 1024 && head_ * 2 >= kept_.size()) {
        kept_.erase(kept_.begin(), kept_.begin() + static_cast<std::ptrdiff_t>(head_));
        head_ = 0;
    }
}

ReliableSession::Incoming ReliableSession::receive(const Message& bytes, bool accept_payloads) {
    if (envelope::is_envelope(bytes.bytes())) return receive_envelope(bytes, accept_payloads);
    Incoming in;
    const auto packet = schemas::read_packet(bytes.bytes());
    if (!packet) {
        in.why = packet.error;
        return in;
    }
    switch (packet->body_type()) {
    case session::Body::Payload:
    case session::Body::Ack: in.why = "a session protocol 1 envelope"; return in;
    case session::Body::Hello: {
        const auto* hello = packet->body_as_Hello();
        in.kind = Incoming::Kind::hello;
        in.protocol_version = hello->protocol_version();
        in.session_id = hello->session_id();
        in.received = hello->received();
        if (const auto* proof = hello->resume_proof())
            in.proof = {reinterpret_cast<const std::byte*>(proof->data()), proof->size()};
        return in;
    }
    case session::Body::Welcome: {
        const auto* welcome = packet->body_as_Welcome();
        in.kind = Incoming::Kind::welcome;
        in.protocol_version = welcome->protocol_version();
        in.session_id = welcome->session_id();
        in.received = welcome->received();
        in.resumed = welcome->resumed();
        in.answers_ping = welcome->answers_ping();
        if (const auto* proof = welcome->resume_proof())
            in.proof = {reinterpret_cast<const std::byte*>(proof->data()), proof->size()};
        return in;
    }
    case session::Body::Ping:
        in.kind = Incoming::Kind::ping;
        in.sent_us = packet->body_as_Ping()->sent_us();
        return in;
    case session::Body::Pong:
        in.kind = Incoming::Kind::pong;
        in.sent_us = packet->body_as_Pong()->sent_us();
        return in;
    default:
        in.kind = Incoming::Kind::other;  // clock sync, error: not net's business
        return in;
    }
}

ReliableSession::Incoming ReliableSession::receive_envelope(const Message& bytes, bool accept_payloads) {
    Incoming in;
    const auto read = envelope::read(bytes.bytes());
    if (!read) {
        in.why = read.error;
        return in;
    }
    const envelope::Header& header = read.header;
    if (header.kind == envelope::Kind::ack) {
        on_ack(header.ack);
        in.kind = Incoming::Kind::ack;
        return in;
    }
    if (!accept_payloads) {
        in.why = "payload before the handshake";
        return in;
    }
    if (read.body.empty() || read.body.size() > schemas::kMaxGameMessageBytes) {
        in.why = "empty or oversize message";
        return in;
    }
    if (header.kind != envelope::Kind::latest) on_ack(header.ack);
    if (header.kind == envelope::Kind::reliable) {
        if (header.sequence <= received_) {
            in.kind = Incoming::Kind::duplicate;  // resent after a resume, already delivered
            return in;
        }
        if (header.sequence != received_ + 1) {
            in.why = "reliable sequence skipped a message";
            return in;
        }
        received_ = header.sequence;
        in.reliable = true;
    }
    in.kind = Incoming::Kind::message;
    // A copy: the game gets its message in a buffer of its own (aligned for
    // its reader), not at an odd offset inside ours.
    in.payload = Message::copy_of(read.body);
    return in;
}

EnvelopeHead ReliableSession::make_ack() {
    ack_sent_ = received_;
    return write({envelope::Kind::ack, 0, received_});
}

void ReliableSession::reset() {
    kept_.clear();
    head_ = 0;
    kept_bytes_ = 0;
    next_sequence_ = 1;
    received_ = ack_sent_ = 0;
}

Message ReliableSession::make_hello(std::uint64_t session_id, std::span<const std::byte> proof,
                                    std::uint32_t received) {
    schemas::HelloInfo hello;
    hello.session_id = session_id;
    hello.resume_proof = proof;
    hello.received = received;
    return Message::copy_of(schemas::encode_hello(builder(), hello));
}

Message ReliableSession::make_welcome(std::uint64_t session_id, std::span<const std::byte> proof,
                                      std::uint32_t received, bool resumed) {
    schemas::WelcomeInfo welcome;
    welcome.session_id = session_id;
    welcome.resume_proof = proof;
    welcome.received = received;
    welcome.resumed = resumed;
    welcome.answers_ping = true;  // Session answers every Ping (rate-limited)
    return Message::copy_of(schemas::encode_welcome(builder(), welcome));
}

Message ReliableSession::make_ping(std::uint64_t sent_us) {
    return Message::copy_of(schemas::encode_ping(builder(), sent_us));
}

Message ReliableSession::make_pong(std::uint64_t sent_us) {
    return Message::copy_of(schemas::encode_pong(builder(), sent_us));
}

}  // namespace tickwire::net::detail
