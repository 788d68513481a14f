#include "echo_connection.hpp"

#include <cstring>

namespace tickwire::load {

void EchoShared::fail(const std::string& what) {
    ++errors;
    if (first_error.empty()) first_error = what;
}

EchoConnection::EchoConnection(EchoShared& shared)
    : shared_(shared), payload_(shared.options.size, std::uint8_t{'x'}), timer_(shared.io) {}

void EchoConnection::start(bool send, std::int64_t first_intended_ns) {
    start_reading();
    if (!send) return;
    sending_ = true;
    owed_ = true;  // closed loop: the first message
    next_intended_ns_ = first_intended_ns;
    pump();
}

void EchoConnection::shut_down() {
    sending_ = false;
    timer_.cancel();
    close_transport();
}

void EchoConnection::stamp(std::int64_t intended_ns) {
    std::memcpy(payload_.data(), &intended_ns, 8);
    ++sequence_;
    std::memcpy(payload_.data() + 8, &sequence_, 8);
}

// Send whatever is due. Closed loop: one message in flight, the next goes when
// its echo is back (on_echo sets owed_). Fixed rate: every message has an
// intended time on a fixed schedule; if we fall behind (a write still in
// flight), late messages go back to back, still stamped with their intended
// time, so the delay shows in their round trips.
void EchoConnection::pump() {
    if (!sending_ || writing_ || !open_ || shared_.stop_sending) return;
    const std::int64_t now = now_ns();
    if (shared_.period_ns == 0) {
        if (!owed_) return;
        owed_ = false;
        stamp(now);
    } else {
        if (next_intended_ns_ > now) {
            if (timer_armed_) return;
            timer_armed_ = true;
            timer_.expires_after(std::chrono::nanoseconds(next_intended_ns_ - now));
            timer_.async_wait([this](const boost::system::error_code& ec) {
                timer_armed_ = false;
                if (!ec) pump();
            });
            return;
        }
        stamp(next_intended_ns_);
        if (next_intended_ns_ >= shared_.measure_start_ns && next_intended_ns_ < shared_.measure_end_ns) {
            ++shared_.sent_in_window;
        }
        next_intended_ns_ += shared_.period_ns;
    }
    writing_ = true;
    ++shared_.sent;
    write_payload();
}

void EchoConnection::finish_connect(bool ok, const std::string& why) {
    if (ok) open_ = true;
    else if (shared_.first_error.empty()) shared_.first_error = why;
    auto done = std::move(connect_done_);
    done(ok);
}

void EchoConnection::on_written(bool ok) {
    writing_ = false;
    if (!ok) return on_broken("write failed");
    pump();
}

void EchoConnection::on_echo(std::span<const std::uint8_t> payload) {
    const std::int64_t now = now_ns();
    if (payload.size() != shared_.options.size) {
        shared_.fail("echo of " + std::to_string(payload.size()) + " bytes, sent " + std::to_string(shared_.options.size));
        return;
    }
    std::int64_t intended = 0;
    std::memcpy(&intended, payload.data(), 8);
    ++shared_.received;
    const std::int64_t rtt = now - intended;
    shared_.second_rtt.record(rtt);
    if (now >= shared_.measure_start_ns && now < shared_.measure_end_ns) ++shared_.arrived_in_window;
    if (intended >= shared_.measure_start_ns && intended < shared_.measure_end_ns) {
        if (shared_.period_ns == 0) ++shared_.sent_in_window;  // closed loop counts on return
        ++shared_.received_in_window;
        shared_.window_rtt.record(rtt);
    }
    if (shared_.period_ns == 0) {
        owed_ = true;
        pump();
    }
}

void EchoConnection::on_broken(const std::string& what) {
    if (!open_) return;
    open_ = false;
    sending_ = false;
    timer_.cancel();
    --shared_.open;
    if (!shared_.stop_sending) shared_.fail(what);
}

}  // namespace tickwire::load
