// The server's open WebSockets as a group: one poller, one read buffer, one
// sweep timer, one flush per turn of the loop.
#include "native/ws_hub.hpp"

#include <boost/asio/post.hpp>

namespace tickwire::net::detail {

namespace {
// Big enough that a burst of messages (or a large one) takes few reads.
constexpr std::size_t kReadBufferBytes = 256 * 1024;
}  // namespace

WsHub::WsHub(boost::asio::io_context& io, std::chrono::milliseconds sweep_period, std::chrono::microseconds read_pace)
    : io_(io), sweep_period_(sweep_period), poller_(io, [this] { flush_all(); }, read_pace), sweep_timer_(io) {}

void WsHub::add(const std::shared_ptr<Member>& member) {
    member->hub_index_ = members_.size();
    members_.push_back(member);
    arm_sweep();
}

void WsHub::remove(Member& member) {
    const std::size_t index = member.hub_index_;
    if (index >= members_.size() || members_[index].get() != &member) return;
    removed_.push_back(std::move(members_[index]));
    if (index + 1 != members_.size()) {
        members_[index] = std::move(members_.back());
        members_[index]->hub_index_ = index;
    }
    members_.pop_back();
    member.hub_index_ = static_cast<std::size_t>(-1);
    if (!flush_posted_) {  // the end of this turn releases it
        flush_posted_ = true;
        boost::asio::post(io_, [self = shared_from_this()] { self->flush_all(); });
    }
}

void WsHub::want_flush(Member& member) {
    if (member.flush_queued_ || member.hub_index_ >= members_.size()) return;
    member.flush_queued_ = true;
    dirty_.push_back(members_[member.hub_index_]);
    if (!flush_posted_) {
        // Posted: it runs after whatever else this turn of the loop holds
        // (the rest of a batch of commands or of reads), so all of it leaves
        // in one write per connection.
        flush_posted_ = true;
        boost::asio::post(io_, [self = shared_from_this()] { self->flush_all(); });
    }
}

std::span<std::byte> WsHub::read_buffer() {
    if (read_buffer_.empty()) read_buffer_.resize(kReadBufferBytes);
    return read_buffer_;
}

void WsHub::flush_all() {
    flush_posted_ = false;
    flushing_.swap(dirty_);  // members flushed now may queue more: that goes in dirty_
    for (const auto& member : flushing_) {
        member->flush_queued_ = false;
        member->flush();
    }
    flushing_.clear();  // keeps the capacity
    removed_.clear();
    check_stopped();
}

// The sweep runs while there are members.
void WsHub::arm_sweep() {
    if (sweep_armed_ || members_.empty()) return;
    sweep_armed_ = true;
    sweep_timer_.expires_after(sweep_period_);
    sweep_timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
        self->sweep_armed_ = false;
        if (!ec) self->sweep();
    });
}

void WsHub::sweep() {
    const SteadyTime now = std::chrono::steady_clock::now();
    // By index: a member may close (and leave the list) during its sweep.
    for (std::size_t i = 0; i < members_.size();) {
        Member* member = members_[i].get();
        member->sweep(now);
        if (i < members_.size() && members_[i].get() == member) ++i;
    }
    flush_all();
    arm_sweep();
}

void WsHub::stop(std::function<void()> on_empty) {
    stopping_ = true;
    on_empty_ = std::move(on_empty);
    check_stopped();
}

void WsHub::check_stopped() {
    if (!stopping_ || !members_.empty() || !dirty_.empty()) return;
    stopping_ = false;
    poller_.stop();
    sweep_timer_.cancel();
    if (auto done = std::move(on_empty_)) done();
}

void WsHub::abandon() noexcept {
    dirty_.clear();
    flushing_.clear();
    removed_.clear();
    members_.clear();
}

}  // namespace tickwire::net::detail
