// The session envelope (schemas/session.fbs) and exactly-once bookkeeping.
//
// Wire format (session mode): every WebSocket binary message is one verified
// session.fbs Packet ("TWS1"). What net sends:
//
//   client → server  Hello   protocol_version, session_id (0 = new session),
//                            resume_proof (the last token, empty when new),
//                            received (newest reliable sequence received)
//   server → client  Welcome protocol_version, session_id, resume_proof (a new
//                            48-byte token: id | expiry | HMAC, resume_token.hpp),
//                            received, resumed, answers_ping (always true)
//   both ways        Payload sequence (reliable: 1, 2, 3… per direction;
//                            latest-state: 0), ack (cumulative: the newest
//                            reliable sequence received in order), delivery,
//                            data (the game's message, 8-byte aligned, ≤ 64 KiB)
//                    Ack     ack, when no Payload carried it in time
//                            (session.hpp: kAckEagerly and ack_delay)
//                    Ping    sent_us (the prober's clock), after the Welcome
//                            said answers_ping; answered by a Pong with the
//                            same stamp, at most kPingsPerSecond (session.hpp)
//
// Nothing may precede the Hello, and no Payload the Welcome. A reliable
// sequence must be exactly one more than the last (an older one is a resend
// after a resume and is dropped; a gap is a protocol error, close 1002). The
// deprecated fields (Hello/Welcome.resume_token, ack_bits) are never written
// (they read as 0), nor read; client_name, tick_rate_hz, server_tick and the
// clock-sync and Error kinds belong to the game's own protocol, not to net's.
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

bool can_travel(const Message& payload) noexcept {
    return !payload.empty() && payload.size() <= schemas::kMaxGameMessageBytes;
}

}  // namespace

Message ReliableSession::envelope(const Message& payload, std::uint32_t sequence, bool reliable) {
    schemas::PayloadHeader header;
    header.sequence = sequence;
    header.ack = received_;
    header.delivery = reliable ? session::DeliveryClass::ReliableOrdered : session::DeliveryClass::LatestState;
    ack_sent_ = received_;  // the ack rides on this envelope
    return Message::copy_of(schemas::encode_payload(builder(), header, payload.bytes()));
}

Message ReliableSession::wrap_reliable(const Message& payload, bool& full, bool& invalid) {
    full = invalid = false;
    if (!can_travel(payload)) {
        invalid = true;
        return {};
    }
    if (kept() >= options_.max_unacked_messages || kept_bytes_ + payload.size() > options_.max_unacked_bytes) {
        full = true;
        return {};
    }
    const std::uint32_t sequence = next_sequence_++;
    kept_.push_back({sequence, payload});
    kept_bytes_ += payload.size();
    return envelope(payload, sequence, true);
}

Message ReliableSession::wrap_latest(const Message& payload) {
    if (!can_travel(payload)) return {};
    return envelope(payload, 0, false);
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
    Incoming in;
    const auto packet = schemas::read_packet(bytes.bytes());
    if (!packet) {
        in.why = packet.error;
        return in;
    }
    switch (packet->body_type()) {
    case session::Body::Payload: {
        if (!accept_payloads) {
            in.why = "payload before the handshake";
            return in;
        }
        const auto* payload = packet->body_as_Payload();
        on_ack(payload->ack());
        if (payload->delivery() == session::DeliveryClass::LatestState) {
            in.kind = Incoming::Kind::message;
            in.payload = Message::copy_of(schemas::payload_bytes(*payload));
            return in;
        }
        if (payload->delivery() != session::DeliveryClass::ReliableOrdered) {
            in.why = "unknown delivery class";
            return in;
        }
        const std::uint32_t sequence = payload->sequence();
        if (sequence <= received_) {
            in.kind = Incoming::Kind::duplicate;  // resent after a resume, already delivered
            return in;
        }
        if (sequence != received_ + 1) {
            in.why = "reliable sequence skipped a message";
            return in;
        }
        received_ = sequence;
        in.kind = Incoming::Kind::message;
        in.reliable = true;
        in.payload = Message::copy_of(schemas::payload_bytes(*payload));
        return in;
    }
    case session::Body::Ack:
        on_ack(packet->body_as_Ack()->ack());
        in.kind = Incoming::Kind::ack;
        return in;
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

Message ReliableSession::make_ack() {
    ack_sent_ = received_;
    return Message::copy_of(schemas::encode_ack(builder(), received_));
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
