// The session protocol, once for the server, the native channel and the
// browser channel.
#include "session/session.hpp"

#include <algorithm>
#include <cstring>

namespace tickwire::net::detail {

namespace {
std::uint64_t micros_of(SteadyTime time) {
    return static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::microseconds>(time.time_since_epoch()).count());
}
}  // namespace

bool Link::send_parts(std::span<const std::byte> head, Message body, bool latest) {
    Message joined = Message::allocate(head.size() + body.size());
    std::memcpy(joined.writable().data(), head.data(), head.size());
    if (!body.empty()) std::memcpy(joined.writable().data() + head.size(), body.data(), body.size());
    if (latest) return send_latest(std::move(joined));
    send(std::move(joined));
    return false;
}

Session::Session(const SessionOptions& options, Role role)
    : options_(options), role_(role), reliable_(options) {}

void Session::attach(Link* link) noexcept {
    link_ = link;
    // A client's connection carries nothing of the session until its Welcome;
    // a server's is attached only once the Hello has been answered.
    established_ = !options_.enabled || role_ == Role::server;
}

Session::Sent Session::send(Message payload, Delivery delivery) {
    const bool latest = delivery == Delivery::latest;
    if (!options_.enabled) {
        if (!link_) return Sent::skipped;  // already gone: its end is on its way to the game
        if (!latest) {
            link_->send(std::move(payload));
            return Sent::written;
        }
        return link_->send_latest(std::move(payload)) ? Sent::superseded : Sent::written;
    }
    if (latest) {
        if (!link_ || !established_) return Sent::skipped;  // never resent: the next state replaces it
        if (!ReliableSession::can_travel(payload)) return Sent::invalid;
        const EnvelopeHead head = reliable_.wrap_latest();
        return link_->send_parts(head.span(), std::move(payload), true) ? Sent::superseded : Sent::written;
    }
    if (!ReliableSession::can_travel(payload)) return Sent::invalid;
    bool full = false;
    const EnvelopeHead head = reliable_.wrap_reliable(payload, full);
    if (full) return Sent::overflow;  // no silent gap: the owner ends the session and says why
    if (!link_ || !established_) return Sent::kept;
    link_->send_parts(head.span(), std::move(payload), false);
    return Sent::written;
}

Session::Received Session::receive(Message packet, SteadyTime now) {
    Received out;
    if (!options_.enabled) {
        out.kind = Received::Kind::deliver;
        out.payload = std::move(packet);
        return out;
    }
    // Before the Welcome no payload may count as received: it would be skipped on resume.
    auto in = reliable_.receive(packet, established_);
    using Kind = ReliableSession::Incoming::Kind;
    switch (in.kind) {
    case Kind::message:
        out.kind = Received::Kind::deliver;
        out.payload = std::move(in.payload);
        // Only numbered messages are acknowledged: latest-state ones (60 inputs
        // or snapshots a second) would keep an ack timer busy for nothing.
        if (!in.reliable) return out;
        if (reliable_.unacknowledged_received() >= kAckEagerly) {
            send_ack_now();
        } else if (!ack_deadline_) {
            ack_deadline_ = now + options_.ack_delay;
            out.ack_deadline_set = true;
        }
        return out;
    case Kind::ping:
        answer_ping(in.sent_us, now);
        return out;
    case Kind::pong:
        if (ping_out_ && in.sent_us == *ping_out_) {
            out.rtt_us = std::max<std::uint64_t>(micros_of(now) - in.sent_us, 1);
            ping_out_.reset();
        }
        return out;
    case Kind::duplicate:
    case Kind::ack:
    case Kind::other: return out;
    case Kind::welcome:
        if (role_ == Role::client && !established_) return on_welcome(in);
        break;
    case Kind::hello:
    case Kind::invalid: break;
    }
    out.kind = Received::Kind::violation;
    out.why = in.why.empty() ? std::string_view("unexpected packet") : in.why;
    return out;
}

Session::Received Session::on_welcome(const ReliableSession::Incoming& welcome) {
    Received out;
    out.kind = Received::Kind::welcome;
    out.resumed = welcome.resumed && id_ != 0 && welcome.session_id == id_;
    // A fresh session (first connect, or the server forgot us): whatever the
    // old one had not delivered belongs to it and is dropped. The owner drops
    // what the game queued meanwhile too (`replaced`): the new session's peer
    // knows nothing of the old one.
    if (!out.resumed) {
        reliable_.reset();
        ack_deadline_.reset();
    }
    out.replaced = !out.resumed && id_ != 0;
    id_ = welcome.session_id;
    token_.assign(welcome.proof.begin(), welcome.proof.end());
    established_ = true;
    peer_answers_pings_ = welcome.answers_ping;
    ping_out_.reset();
    if (out.resumed) {
        reliable_.on_ack(welcome.received);
        reliable_.resend([this](std::span<const std::byte> head, const Message& payload) {
            link_->send_parts(head, payload, false);
        });
    }
    return out;
}

void Session::on_deadline(SteadyTime now) {
    if (!ack_deadline_ || now < *ack_deadline_) return;
    ack_deadline_.reset();
    if (reliable_.unacknowledged_received() > 0) send_ack_now();
}

void Session::send_owed_ack() {
    if (reliable_.unacknowledged_received() > 0) send_ack_now();
    ack_deadline_.reset();
}

void Session::send_ack_now() {
    ack_deadline_.reset();
    if (link_ && established_) link_->send_parts(reliable_.make_ack().span(), Message(), false);
}

bool Session::ping(SteadyTime now) {
    if (!options_.enabled || !peer_answers_pings_ || !link_ || !established_) return false;
    ping_out_ = micros_of(now);
    link_->send(ReliableSession::make_ping(*ping_out_));
    return true;
}

void Session::answer_ping(std::uint64_t sent_us, SteadyTime now) {
    if (!link_ || !established_) return;
    if (pongs_refilled_) pongs_.refill(now - *pongs_refilled_);
    pongs_refilled_ = now;
    // Over the budget: ignored, not a violation (the prober just misses a sample).
    if (pongs_.try_take()) link_->send(ReliableSession::make_pong(sent_us));
}

Message Session::hello() const { return ReliableSession::make_hello(id_, token_, reliable_.received()); }

void Session::welcome(std::uint64_t session_id, std::span<const std::byte> resume_token, bool resumed,
                      std::uint32_t peer_received) {
    id_ = session_id;
    if (resumed) reliable_.on_ack(peer_received);
    link_->send(ReliableSession::make_welcome(session_id, resume_token, reliable_.received(), resumed));
    if (resumed) {
        reliable_.resend([this](std::span<const std::byte> head, const Message& payload) {
            link_->send_parts(head, payload, false);
        });
    }
}

ReliableSession::Incoming Session::read_hello(const Message& packet) {
    // A scratch reader: accept_payloads false, so no sequence number is consumed.
    ReliableSession scratch(SessionOptions{});
    return scratch.receive(packet, false);
}

}  // namespace tickwire::net::detail
