// WsServerConnection: one open server WebSocket — frames in and out, the
// closing handshake, pings and deadlines (checked by the hub's sweep), read
// back-pressure, and the network simulator's delay lines. What it reads goes
// to the server core (ServerCore::on_packet), which runs it through the
// session layer; what the session writes comes back through Link.
//
// Ending, in every case the core hears exactly once (finish):
//  - the peer's close frame: answered with its code, then our side is shut
//    and the peer's EOF awaited (bounded by close_timeout);
//  - our close(): the close frame goes after everything queued before it;
//    the peer's answer (or close_timeout) ends it;
//  - a protocol violation: a close frame with the code the reader chose, then
//    as above; EOF, a socket error or the idle timeout: closed at once (1006).
#include "native/ws_server_connection.hpp"

#include <algorithm>
#include <cstring>

namespace tickwire::net::detail {
namespace {

std::int64_t steady_ns(SteadyTime t) {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

}  // namespace

WsServerSettings WsServerSettings::from(const ServerOptions& o) {
    WsServerSettings s;
    s.idle_timeout = o.idle_timeout;
    s.ping_interval = o.ping_interval;
    s.close_timeout = o.close_timeout;
    s.max_message_size = o.max_message_size;
    // A quarter of the slow-consumer limit: what the game pushes while reads
    // are paused (replies to what was read before) still fits under it.
    s.pause_reading_at = std::max<std::size_t>(o.write_queue_limit_bytes / 4, 1);
    s.resume_reading_at = s.pause_reading_at / 2;
    s.piggyback_acks = o.piggyback_acks;
    return s;
}

WsServerConnection::WsServerConnection(std::shared_ptr<ServerCore> core, const WsServerSettings& settings,
                                       SocketSlot slot, std::string remote, std::string target)
    : core_(std::move(core)),
      hub_(core_->hub()),
      settings_(settings),
      slot_(std::move(slot)),
      remote_(std::move(remote)),
      target_(std::move(target)),
      reader_(settings.max_message_size) {}

WsServerConnection::~WsServerConnection() = default;

void WsServerConnection::open(std::shared_ptr<NetSimLink> netsim) {
    NetSimPipe::Ends& ends = *this;
    if (netsim) sim_ = std::make_unique<NetSimPipe>(core_->scheduler(), std::move(netsim), ends);
    const SteadyTime now = std::chrono::steady_clock::now();
    last_read_ = now;
    next_ping_ = now + settings_.ping_interval;
    hub_.add(shared_from_this());
    core_->on_accepted(self());
    io_start_reading();
}

// ---- sending -----------------------------------------------------------------

bool WsServerConnection::enqueue(std::span<const std::byte> head, Message body, bool latest) {
    if (finished_ || local_close_ || phase_ != Phase::open) return false;
    if (sim_) {
        // The simulator delays whole messages: the parts are joined.
        if (!head.empty()) return Link::send_parts(head, std::move(body), latest);
        if (!sim_->send(std::move(body), latest)) sim_drop();
        return false;
    }
    const bool superseded = queue_.push_message(head, std::move(body), latest);
    queued();
    return superseded;
}

// Something was queued: it goes at the end of this turn of the loop. A queue
// past the mark stops our reading: a peer that sends faster than it reads
// waits on TCP instead of growing our memory.
void WsServerConnection::queued() {
    if (queue_.queued_bytes() >= settings_.pause_reading_at) pause(kPausedByBackpressure);
    hub_.want_flush(*this);
}

void WsServerConnection::flush() {
    if (phase_ == Phase::closed || queue_.empty()) return;
    flushed_since_sweep_ = true;
    io_write();
}

void WsServerConnection::on_written(std::size_t bytes) {
    const FrameQueue::Written written = queue_.consume(bytes);
    if (written.messages != 0) {
        ServerShared& shared = core_->shared();
        shared.messages_out.fetch_add(written.messages, std::memory_order_relaxed);
        shared.bytes_out.fetch_add(written.payload_bytes, std::memory_order_relaxed);
    }
    if (queue_.queued_bytes() <= settings_.resume_reading_at) resume(kPausedByBackpressure);
    teardown_when_written();
}

// ---- reading -----------------------------------------------------------------

void WsServerConnection::on_bytes(std::span<const std::byte> bytes) {
    last_read_ = std::chrono::steady_clock::now();
    keepalive_sent_ = false;
    if (reader_.stopped() || phase_ == Phase::closed) return;  // after a close frame: drained, not parsed
    if (paused_ != 0) {
        carry_.insert(carry_.end(), bytes.begin(), bytes.end());  // a read already under way when we paused
        return;
    }
    feed(bytes);
}

void WsServerConnection::feed(std::span<const std::byte> bytes) {
    const std::size_t used = reader_.feed(bytes, *this);
    if (used < bytes.size() && !reader_.stopped()) {
        // Paused after a message: the rest waits for resume().
        carry_.insert(carry_.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(used), bytes.end());
    }
}

bool WsServerConnection::on_frame_message(Message message) {
    // After our close frame the peer's data is read (to reach its close) but dropped.
    if (finished_ || phase_ != Phase::open) return true;
    if (sim_) {
        switch (sim_->receive(std::move(message))) {
        case NetSimPipe::Received::keep_reading: break;
        case NetSimPipe::Received::pause_reading: pause(kPausedByNetsim); break;
        case NetSimPipe::Received::drop: sim_drop(); break;
        }
        return paused_ == 0;
    }
    deliver(std::move(message));
    return paused_ == 0;
}

// To the core; false = the game is behind, and reading pauses until it catches up.
bool WsServerConnection::deliver(Message message) {
    if (core_->on_packet(*this, std::move(message))) return true;
    pause(kPausedByGame);
    return false;
}

bool WsServerConnection::on_sim_inbound(Message message) {
    if (finished_ || phase_ != Phase::open) return true;
    return core_->on_packet(*this, std::move(message));
}

void WsServerConnection::on_sim_outbound(Message message, bool latest) {
    if (phase_ == Phase::closed) return;
    queue_.push_message({}, std::move(message), latest);
    queued();
}

void WsServerConnection::pause(std::uint8_t reason) {
    const bool was_reading = paused_ == 0;
    paused_ |= reason;
    if (was_reading && phase_ != Phase::closed) io_pause_reading();
}

void WsServerConnection::resume(std::uint8_t reason) {
    if ((paused_ & reason) == 0) return;
    paused_ &= static_cast<std::uint8_t>(~reason);
    if (paused_ != 0 || phase_ == Phase::closed) return;
    if (!carry_.empty()) {
        // What was read while paused first; it may pause us again.
        std::vector<std::byte> pending;
        pending.swap(carry_);
        feed(pending);
        if (carry_.empty()) carry_.swap(pending), carry_.clear();  // keep the storage
        if (paused_ != 0 || phase_ == Phase::closed) return;
    }
    io_start_reading();
}

void WsServerConnection::resume_reading() {
    if (sim_) return sim_->resume_inbound();
    resume(kPausedByGame);
}

// ---- control frames ------------------------------------------------------------

void WsServerConnection::on_frame_ping(std::span<const std::byte> payload) {
    if (phase_ != Phase::open || local_close_) return;
    // Answered in this turn's write: the peer is timing us. Pongs count
    // against the queue like anything else: a peer that pings and never
    // reads meets back-pressure, not a growing queue.
    queue_.push_control(ws::kPong, payload);
    queued();
}

void WsServerConnection::on_frame_pong(std::span<const std::byte> payload) {
    // Our RTT probe came back. The server reports no RTT; receiving it was
    // the point (it keeps the connection from idling out).
    std::int64_t sent = 0;
    if (payload.size() == sizeof sent) std::memcpy(&sent, payload.data(), sizeof sent);
    if (sent == ping_sent_ns_) ping_sent_ns_ = 0;
}

void WsServerConnection::send_ping(SteadyTime now) {
    ping_sent_ns_ = steady_ns(now);
    queue_.push_control(ws::kPing, std::as_bytes(std::span(&ping_sent_ns_, 1)));
}

// ---- closing -------------------------------------------------------------------

void WsServerConnection::close(std::uint16_t code, std::string_view reason) {
    if (finished_ || local_close_ || phase_ != Phase::open) return;
    local_close_ = CloseInfo{code, std::string(reason), ErrorKind::none, {}};
    deadline_ = std::chrono::steady_clock::now() + settings_.close_timeout;
    send_close_frame_when_ready();
}

void WsServerConnection::close_now(std::uint16_t code, std::string_view reason) {
    queue_.clear_unstarted();
    if (sim_) sim_->clear_outbound();
    close(code, reason);
}

// The close frame goes after what was queued before it; with the simulator,
// once its delay line is empty.
void WsServerConnection::send_close_frame_when_ready() {
    if (!local_close_ || phase_ != Phase::open || (sim_ && !sim_->outbound_empty())) return;
    queue_close_frame(local_close_->code, local_close_->reason);
}

void WsServerConnection::queue_close_frame(std::uint16_t code, std::string_view reason) {
    std::byte payload[ws::kMaxControlPayload];
    std::size_t size = 0;
    if (code != close_code::no_status) {
        payload[0] = std::byte{static_cast<std::uint8_t>(code >> 8)};
        payload[1] = std::byte{static_cast<std::uint8_t>(code)};
        size = 2 + std::min<std::size_t>(reason.size(), ws::kMaxControlPayload - 2);
        if (size > 2) std::memcpy(payload + 2, reason.data(), size - 2);  // an empty reason's data() may be null
    }
    queue_.push_control(ws::kClose, std::span(payload, size));
    phase_ = Phase::closing;
    if (deadline_ == SteadyTime{}) deadline_ = std::chrono::steady_clock::now() + settings_.close_timeout;
    hub_.want_flush(*this);
}

void WsServerConnection::on_frame_close(std::uint16_t code, std::string_view reason) {
    peer_closed_ = true;
    code = standard_close_code(code);  // a page's 3002 is a 1002
    if (phase_ == Phase::closing && local_close_) {  // the answer to ours
        finish(*local_close_);
        return teardown_when_written();
    }
    // The peer closes: answer with its code (unsent messages would never be read).
    queue_.clear_unstarted();
    if (sim_) sim_->clear_outbound();
    if (phase_ == Phase::open) queue_close_frame(code, {});
    finish({code, std::string(reason), ErrorKind::none, {}});
    teardown_when_written();
}

void WsServerConnection::on_frame_violation(std::uint16_t code, std::string_view why) {
    violated_ = true;
    if (phase_ == Phase::open) {  // once closing, what is queued ends in our close frame: keep it
        queue_.clear_unstarted();
        if (sim_) sim_->clear_outbound();
        queue_close_frame(code, why);
    }
    if (code == close_code::message_too_big)
        finish({code, "message too big", ErrorKind::protocol, "peer sent a message larger than the maximum"});
    else if (code == close_code::unsupported_data)
        finish({code, std::string(why), ErrorKind::none, {}});
    else
        finish({code, "protocol error", ErrorKind::protocol, std::string(why)});
    teardown_when_written();
}

// Both close frames are done (or ours answers a violation) and ours is on the
// wire: shut our side and wait for the peer's EOF (bounded by the sweep).
void WsServerConnection::teardown_when_written() {
    if (phase_ != Phase::closing || !queue_.empty() || !(peer_closed_ || violated_)) return;
    phase_ = Phase::teardown;
    deadline_ = std::chrono::steady_clock::now() + settings_.close_timeout;
    io_shutdown_send();
}

void WsServerConnection::on_eof() {
    if (phase_ == Phase::teardown) return close_socket();  // the orderly end
    if (local_close_) finish(*local_close_);               // we were closing; the peer just left
    finish({close_code::abnormal, "connection lost", ErrorKind::io, "end of stream"});
    close_socket();
}

void WsServerConnection::on_io_error(std::string_view what) {
    if (local_close_) finish(*local_close_);
    finish({close_code::abnormal, "connection lost", ErrorKind::io, std::string(what)});
    close_socket();
}

// Tell the core how it ended, exactly once. The socket may live on briefly
// (closing handshake, teardown) but carries nothing more for the game.
void WsServerConnection::finish(CloseInfo info) {
    if (finished_) return;
    finished_ = true;
    if (sim_) sim_->stop();
    if (id_ == kInvalidConnection) return;
    if (info.code == close_code::policy_violation || info.error == ErrorKind::protocol ||
        info.code == close_code::unsupported_data || info.code == close_code::message_too_big) {
        core_->log("closed #" + std::to_string(id_) + " " + remote_ + ": " + std::to_string(info.code) + " " +
                   info.reason + (info.error_text.empty() ? "" : " (" + info.error_text + ")"));
    }
    core_->on_disconnected(id_, info, this);
}

void WsServerConnection::close_socket() noexcept {
    if (phase_ == Phase::closed) return;
    phase_ = Phase::closed;
    queue_.clear_unstarted();
    carry_.clear();
    if (sim_) sim_->stop();
    io_close();
    hub_.remove(*this);
}

// ---- the sweep -----------------------------------------------------------------

void WsServerConnection::sweep(SteadyTime now) {
    switch (phase_) {
    case Phase::closed: return;
    case Phase::teardown:
        if (now >= deadline_) close_socket();  // the peer never hung up
        return;
    case Phase::closing:
        if (now < deadline_) break;
        // The peer never answered our close frame (or never read it).
        if (local_close_) finish(*local_close_);
        finish({close_code::abnormal, "close timeout", ErrorKind::timeout, "no close frame from peer in time"});
        return close_socket();
    case Phase::open:
        if (local_close_) {  // waiting for the simulator's delay line to drain
            if (now >= deadline_) {
                finish(*local_close_);
                return close_socket();
            }
            break;
        }
        // Beast's rule: after half the idle time in silence a ping goes (its
        // pong is traffic); after the whole of it the peer is gone.
        const auto silence = now - last_read_;
        if (silence >= settings_.idle_timeout) {
            finish({close_code::abnormal, "idle timeout", ErrorKind::timeout, "no data from peer within the idle timeout"});
            return close_socket();
        }
        if (settings_.ping_interval.count() > 0 && now >= next_ping_) {
            next_ping_ = now + settings_.ping_interval;
            send_ping(now);
        } else if (silence >= settings_.idle_timeout / 2 && !keepalive_sent_) {
            keepalive_sent_ = true;
            send_ping(now);
        }
        break;
    }
    // What the sweep queued rides on the game's next write; a connection the
    // game has not written to since the last sweep gets it now.
    if (!queue_.empty() && !flushed_since_sweep_) hub_.want_flush(*this);
    flushed_since_sweep_ = false;
}

// ---- the network simulator -------------------------------------------------------

// The simulated network fails: no close frame, queued data lost. Posted, so
// that a caller in the middle of send() never sees the connection end under it.
void WsServerConnection::sim_drop() {
    if (sim_dropped_) return;
    sim_dropped_ = true;
    core_->scheduler().post([self = shared_from_this()] {
        self->finish({close_code::abnormal, "connection lost", ErrorKind::io, "netsim: simulated disconnect"});
        self->close_socket();
    });
}

}  // namespace tickwire::net::detail
