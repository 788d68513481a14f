#pragma once
// WsConnection: the open-WebSocket half shared by the client and server connections —
// read loop, bounded write queue with one write in flight, RTT pings, keep-alive
// and the closing handshake. Derived classes (CRTP) decide where messages and
// the final close go.
//
// Thread: network thread only. Every in-flight handler holds shared_from_this(),
// so a connection lives exactly as long as it has work pending.
//
// Derived must provide:
//   bool deliver_message(Message&&);   // false: pause reading until resume_reading()
//   void on_finished(const CloseInfo&); // exactly once, the last callback
//   void on_rtt(std::uint64_t micros);
//   void on_bytes_in(std::size_t) / on_bytes_out(std::size_t);
//
// With a NetSimLink attached (set_netsim, before the open phase) messages pass
// through its NetSimPipe (netsim_pipe.hpp) — outbound before the write queue,
// inbound before deliver_message — and the link may drop the connection abruptly.

#include <chrono>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include "close_info.hpp"
#include "netsim_pipe.hpp"
#include "tickwire/net/message.hpp"

namespace tickwire::net::detail {

namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;
namespace asio = boost::asio;
using error_code = boost::system::error_code;

struct ConnectionSettings {
    std::chrono::milliseconds idle_timeout{10000};
    std::chrono::milliseconds ping_interval{1000};
    std::chrono::milliseconds close_timeout{2000};
    std::size_t max_message_size = 1u << 20;
};

template <class Derived, class NextLayer>
class WsConnection : public std::enable_shared_from_this<Derived>, private NetSimPipe::Ends {
public:
    using WsStream = websocket::stream<NextLayer>;

    /// Queue a message; writes start at once if none is in flight.
    void send(Message message) {
        if (closing_ || finished_) return;
        if (sim_) {
            if (!sim_->send(std::move(message), false)) sim_drop();
            return;
        }
        queue_write(std::move(message));
    }

    /// Queue a latest-state message (a snapshot): an earlier one that has not
    /// started writing is superseded — dropped — so a backed-up peer never gets
    /// stale state queued behind fresh. Returns true if one was superseded.
    bool send_latest(Message message) {
        if (closing_ || finished_) return false;
        if (sim_) {
            if (!sim_->send(std::move(message), true)) sim_drop();
            return false;
        }
        return queue_latest(std::move(message));
    }

    /// Close after the queued messages are written (code, reason sent to the peer).
    void close(std::uint16_t code, std::string_view reason) {
        if (closing_ || finished_) return;
        local_close_ = CloseInfo{code, std::string(reason), ErrorKind::none, {}};
        closing_ = true;
        arm_close_deadline();
        if (!writing_ && sim_outbound_empty()) do_close();
    }

    /// Drop unsent messages and close now (slow consumer, shutdown).
    void close_now(std::uint16_t code, std::string_view reason) {
        clear_write_queue();
        if (sim_) sim_->clear_outbound();
        close(code, reason);
    }

    /// Resume a read loop paused by deliver_message() returning false.
    void resume_reading() {
        if (sim_) return sim_->resume_inbound();
        if (!read_paused_ || finished_) return;
        read_paused_ = false;
        if (!closing_) do_read();
    }

    /// Attach the simulator (before start_open_phase); null = a real network.
    void set_netsim(std::shared_ptr<NetSimLink> link, Scheduler& scheduler) {
        NetSimPipe::Ends& ends = *this;
        if (link) sim_ = std::make_unique<NetSimPipe>(scheduler, std::move(link), ends);
    }

    [[nodiscard]] std::size_t queued_bytes() const noexcept { return queued_bytes_; }
    [[nodiscard]] bool finished() const noexcept { return finished_; }
    [[nodiscard]] bool closing() const noexcept { return closing_; }

private:
    void queue_write(Message message) {
        queued_bytes_ += message.size();
        write_queue_.push_back(std::move(message));
        if (!writing_) do_write();
    }

    bool queue_latest(Message message) {
        bool superseded = false;
        if (latest_ != kNone && (latest_ > write_head_ || !writing_)) {
            queued_bytes_ -= write_queue_[latest_].size();
            write_queue_[latest_].reset();  // skipped by do_write
            superseded = true;
        }
        latest_ = write_queue_.size();
        queue_write(std::move(message));
        return superseded;
    }

protected:
    template <class... Args>
    explicit WsConnection(const ConnectionSettings& settings, Args&&... args)
        : ws_(std::forward<Args>(args)...),
          settings_(settings),
          ping_timer_(ws_.get_executor()),
          close_deadline_(ws_.get_executor()) {}

    /// Called by Derived once the WebSocket handshake has completed.
    void start_open_phase() {
        beast::get_lowest_layer(ws_).expires_never();  // the websocket's own timers take over
        websocket::stream_base::timeout timeouts{};
        timeouts.handshake_timeout = settings_.close_timeout;  // Beast uses it for the closing handshake
        // Beast pings after one idle period and gives up after a second one.
        timeouts.idle_timeout = settings_.idle_timeout / 2;
        timeouts.keep_alive_pings = true;
        ws_.set_option(timeouts);
        ws_.binary(true);
        ws_.auto_fragment(false);
        ws_.read_message_max(settings_.max_message_size);
        ws_.control_callback([this](websocket::frame_type kind, beast::string_view payload) {
            if (kind == websocket::frame_type::pong) on_pong(payload);
        });
        do_read();
        schedule_ping();
    }

    /// Record the final outcome and notify Derived exactly once.
    void finish(CloseInfo info) {
        if (finished_) return;
        finished_ = true;
        ping_timer_.cancel();
        close_deadline_.cancel();
        if (sim_) sim_->stop();
        clear_write_queue();
        error_code ignored;
        beast::get_lowest_layer(ws_).socket().close(ignored);
        derived().on_finished(info);
    }

    Derived& derived() { return static_cast<Derived&>(*this); }

    WsStream ws_;
    ConnectionSettings settings_;

private:
    // Read a message
    void do_read() {
        ws_.async_read(read_buffer_, [self = this->shared_from_this()](error_code ec, std::size_t n) {
            self->on_read(ec, n);
        });
    }

    void on_read(error_code ec, std::size_t bytes) {
        // A read that completed just before the connection finished (a failed
        // write, the simulator) must not deliver after the end was reported.
        if (finished_) return;
        if (ec) return on_read_error(ec);
        if (ws_.got_text()) {
            read_buffer_.consume(read_buffer_.size());
            // Games exchange binary frames only; text is a protocol breach.
            return close_now(close_code::unsupported_data, "text frames are not accepted");
        }
        Message message = Message::allocate(bytes);
        if (bytes) asio::buffer_copy(asio::buffer(message.writable().data(), bytes), read_buffer_.data());
        read_buffer_.consume(bytes);
        derived().on_bytes_in(bytes);
        if (sim_) return sim_receive(std::move(message));
        if (!derived().deliver_message(std::move(message))) {
            read_paused_ = true;  // the game is behind: stop reading, TCP pushes back
            return;
        }
        if (!closing_) do_read();
    }

    void on_read_error(error_code ec) {
        if (ec == websocket::error::closed) {
            const auto& reason = ws_.reason();
            if (local_close_) return finish(*local_close_);  // the peer answered our close
            const std::uint16_t code = reason.code == websocket::close_code::none
                                           ? close_code::no_status
                                           : static_cast<std::uint16_t>(reason.code);
            return finish({code, std::string(reason.reason.data(), reason.reason.size()), ErrorKind::none, {}});
        }
        if (ec == websocket::error::message_too_big)  // Beast has sent close 1009
            return finish({close_code::message_too_big, "message too big", ErrorKind::protocol,
                           "peer sent a message larger than the maximum"});
        if (ec == beast::error::timeout)
            return finish({close_code::abnormal, "idle timeout", ErrorKind::timeout, "no data from peer within the idle timeout"});
        if (ec == asio::error::operation_aborted && local_close_) return finish(*local_close_);
        if (ec == websocket::condition::protocol_violation)  // Beast has sent close 1002
            return finish({close_code::protocol_error, "protocol error", ErrorKind::protocol, ec.message()});
        if (local_close_) return finish(*local_close_);
        finish({close_code::abnormal, "connection lost", ErrorKind::io, ec.message()});
    }

    // Write the next queued message (one in flight at a time)
    void do_write() {
        while (write_head_ < write_queue_.size() && !write_queue_[write_head_]) advance_head();  // superseded
        if (write_head_ == write_queue_.size()) {
            if (closing_ && sim_outbound_empty()) do_close();
            return;
        }
        writing_ = true;
        const Message& front = write_queue_[write_head_];
        ws_.async_write(asio::buffer(front.data(), front.size()),
                        [self = this->shared_from_this()](error_code ec, std::size_t) { self->on_write(ec); });
    }

    void on_write(error_code ec) {
        writing_ = false;
        if (finished_) return;
        if (ec) {
            if (local_close_) return finish(*local_close_);
            return finish({close_code::abnormal, "connection lost", ErrorKind::io, ec.message()});
        }
        Message& sent = write_queue_[write_head_];
        queued_bytes_ -= sent.size();
        derived().on_bytes_out(sent.size());
        sent.reset();
        advance_head();
        do_write();
    }

    // Pop the front slot; keep the vector bounded without reallocating.
    void advance_head() {
        if (latest_ == write_head_) latest_ = kNone;
        if (++write_head_ == write_queue_.size()) {
            write_queue_.clear();  // keeps capacity: no allocation in steady state
            write_head_ = 0;
        } else if (write_head_ >= 1024 && write_head_ * 2 >= write_queue_.size()) {
            // A queue that never empties: compact so the vector stays bounded.
            write_queue_.erase(write_queue_.begin(), write_queue_.begin() + static_cast<std::ptrdiff_t>(write_head_));
            if (latest_ != kNone) latest_ -= write_head_;
            write_head_ = 0;
        }
    }

    // Drop unsent messages. The one being written stays: Beast reads from its
    // buffer until the write completes.
    void clear_write_queue() {
        latest_ = kNone;
        if (writing_) {
            write_queue_.erase(write_queue_.begin() + static_cast<std::ptrdiff_t>(write_head_) + 1, write_queue_.end());
            queued_bytes_ = write_queue_[write_head_].size();
            return;
        }
        write_queue_.clear();
        write_head_ = 0;
        queued_bytes_ = 0;
    }

    // Closing handshake (after the queue drained)
    void do_close() {
        if (close_started_ || finished_) return;
        close_started_ = true;
        websocket::close_reason reason(static_cast<websocket::close_code>(local_close_->code));
        reason.reason.assign(local_close_->reason.data(), std::min<std::size_t>(local_close_->reason.size(), 123));
        ws_.async_close(reason, [self = this->shared_from_this()](error_code) { self->finish(*self->local_close_); });
    }

    // A peer that never answers our close cannot hold the connection open.
    void arm_close_deadline() {
        close_deadline_.expires_after(settings_.close_timeout);
        close_deadline_.async_wait([self = this->shared_from_this()](error_code ec) {
            if (!ec) self->finish(*self->local_close_);
        });
    }

    // RTT probes: our own pings carry the send time; keep-alive is Beast's.
    void schedule_ping() {
        if (settings_.ping_interval.count() <= 0) return;
        ping_timer_.expires_after(settings_.ping_interval);
        ping_timer_.async_wait([self = this->shared_from_this()](error_code ec) {
            if (!ec) self->send_ping();
        });
    }

    void send_ping() {
        if (finished_ || closing_) return;
        if (!ping_in_flight_) {
            ping_in_flight_ = true;
            ping_sent_ns_ = now_ns();
            websocket::ping_data payload;
            payload.resize(sizeof ping_sent_ns_);
            std::memcpy(payload.data(), &ping_sent_ns_, sizeof ping_sent_ns_);
            ws_.async_ping(payload, [self = this->shared_from_this()](error_code) {});
        }
        schedule_ping();
    }

    void on_pong(beast::string_view payload) {
        std::int64_t sent = 0;
        if (!ping_in_flight_ || payload.size() != sizeof sent) return;
        std::memcpy(&sent, payload.data(), sizeof sent);
        if (sent != ping_sent_ns_) return;  // not our probe
        ping_in_flight_ = false;
        derived().on_rtt(static_cast<std::uint64_t>((now_ns() - sent) / 1000));
    }

    static std::int64_t now_ns() {
        return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
            .count();
    }

    // Network-condition simulator (NetSimPipe::Ends)
    [[nodiscard]] bool sim_outbound_empty() const noexcept { return !sim_ || sim_->outbound_empty(); }

    void sim_receive(Message message) {
        switch (sim_->receive(std::move(message))) {
        case NetSimPipe::Received::keep_reading:
            if (!closing_) do_read();
            return;
        case NetSimPipe::Received::pause_reading: read_paused_ = true; return;
        case NetSimPipe::Received::drop: return sim_drop();
        }
    }

    std::shared_ptr<void> keep_alive() override { return this->shared_from_this(); }
    void on_sim_outbound(Message message, bool latest) override {
        if (latest)
            queue_latest(std::move(message));
        else
            queue_write(std::move(message));
    }
    bool on_sim_inbound(Message message) override { return derived().deliver_message(std::move(message)); }
    void on_sim_outbound_drained() override {
        if (closing_ && !writing_) do_close();
    }
    void on_sim_inbound_room() override {
        if (!read_paused_ || closing_ || finished_) return;
        read_paused_ = false;
        do_read();
    }

    // The simulated network fails: no close frame, queued data lost. Posted, so
    // that a caller in the middle of send() never sees the connection end under it.
    void sim_drop() {
        if (sim_dropped_) return;
        sim_dropped_ = true;
        asio::post(ws_.get_executor(), [self = this->shared_from_this()] {
            self->finish({close_code::abnormal, "connection lost", ErrorKind::io, "netsim: simulated disconnect"});
        });
    }

    beast::flat_buffer read_buffer_;
    std::vector<Message> write_queue_;  // [write_head_, end) pending; reused, never shrunk
    std::size_t write_head_ = 0;
    static constexpr std::size_t kNone = static_cast<std::size_t>(-1);
    std::size_t latest_ = kNone;  ///< index of the queued latest-state message, if any
    std::size_t queued_bytes_ = 0;
    asio::steady_timer ping_timer_;
    asio::steady_timer close_deadline_;
    std::optional<CloseInfo> local_close_;
    std::int64_t ping_sent_ns_ = 0;
    bool writing_ = false;
    bool read_paused_ = false;
    bool closing_ = false;
    bool close_started_ = false;
    bool ping_in_flight_ = false;
    bool finished_ = false;
    std::unique_ptr<NetSimPipe> sim_;  // null: a real network
    bool sim_dropped_ = false;
};

}  // namespace tickwire::net::detail
