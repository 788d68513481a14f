// The level-triggered epoll set under the server's plain WebSockets.
#include "native/socket_poller.hpp"

#include <unistd.h>

#include <algorithm>
#include <cassert>
#include <cerrno>
#include <memory>
#include <system_error>
#include <utility>

#include <boost/asio/error.hpp>

#include "native/asio_scheduler.hpp"

namespace tickwire::net::detail {

#if TICKWIRE_POLLER_REACTOR_OP
// The wait for the set, as an operation in Asio's reactor.
//
// An async_wait queues with allow_speculative = false, and the reactor then
// re-arms the descriptor (EPOLL_CTL_MOD) so that readiness it already has is
// reported again. This operation is queued speculatively instead, and its
// perform() declines when called from start_op: it is queued with no system
// call at all. The reactor calls perform() again at the set's next edge
// (Asio registers it edge-triggered), and then it completes.
//
// Nothing is missed between two waits: the completion serves the set and
// queues the next wait in one handler, and the io_context has one thread that
// never runs it from inside a serve, so Asio cannot take an edge from its
// epoll while no wait is queued. An edge that comes while the batch is served
// stays in Asio's epoll for the next wait. (Paced, no wait is queued while the
// gate is shut, and no edge comes: the timer serves instead, and reopening
// the gate looks for bytes itself, reopen_gate_found_bytes.) Readiness
// without an edge (sockets a target left ready, a full batch, a socket
// re-watched for bytes while still listed in the set) makes the next wait
// complete at once, or cancels the queued one, whose completion then serves:
// through the scheduler's queue, like the re-arm's re-report, so the set is
// served once per turn of the loop with the game's commands in between
// (serving more often reads a fast sender ahead of its own echoes).
//
// Lifetime: queued, it belongs to the reactor. Completed (or destroyed by a
// shutting-down io_context) after the poller is gone, it deletes itself.
class SocketPoller::ReadyOp final : public boost::asio::detail::reactor_op {
public:
    explicit ReadyOp(SocketPoller* poller)
        : reactor_op(boost::system::error_code(), &ReadyOp::do_perform, &ReadyOp::do_complete), poller(poller) {}

    SocketPoller* poller;  // null once the poller is gone
    bool queued = false;   // in the reactor, or posted for completion
    bool arming = false;   // inside start_op

private:
    static status do_perform(reactor_op* base) { return static_cast<ReadyOp*>(base)->arming ? not_done : done; }

    static void do_complete(void* owner, boost::asio::detail::operation* base, const boost::system::error_code&,
                            std::size_t) {
        auto* op = static_cast<ReadyOp*>(base);
        op->queued = false;
        if (op->poller == nullptr) {
            delete op;
            return;
        }
        // owner is null when a shutting-down io_context destroys the operation
        // instead of running it: nothing more will be served.
        const boost::system::error_code ec = owner == nullptr ? boost::asio::error::shut_down : op->ec_;
        op->ec_ = {};
        op->poller->on_wake(ec);
    }
};

SocketPoller::SocketPoller(boost::asio::io_context& io, std::function<void()> after_batch, std::chrono::microseconds pace)
    : epoll_fd_(::epoll_create1(EPOLL_CLOEXEC)),
      reactor_(boost::asio::use_service<boost::asio::detail::reactor>(io)),
      after_batch_(std::move(after_batch)),
      pace_(pace) {
    if (epoll_fd_ < 0) throw std::system_error(errno, std::generic_category(), "epoll_create1");
    make_pacing(io);
    auto op = std::make_unique<ReadyOp>(this);
    reactor_.init_task();
    if (const int error = reactor_.register_descriptor(wait_fd(), reactor_data_); error != 0) {
        reactor_.cleanup_descriptor_data(reactor_data_);
        if (gate_fd_ >= 0) ::close(gate_fd_);
        ::close(epoll_fd_);
        throw std::system_error(error, std::generic_category(), "register the poller with Asio");
    }
    op_ = op.release();
}

SocketPoller::~SocketPoller() {
    // Not closing yet, so the reactor takes the set out of its epoll itself;
    // a queued wait is posted back as aborted and frees itself.
    reactor_.deregister_descriptor(wait_fd(), reactor_data_, false);
    reactor_.cleanup_descriptor_data(reactor_data_);
    if (gate_fd_ >= 0) ::close(gate_fd_);
    ::close(epoll_fd_);
    if (op_->queued) op_->poller = nullptr;
    else delete op_;
}

// One wait on the Asio loop for the whole set; `at_once`: complete in this
// turn of the loop whether or not the set has a new edge.
void SocketPoller::wait(bool at_once) {
    assert(!op_->queued);  // queued twice would corrupt the reactor's queue
    waiting_ = true;
    op_->queued = true;
    op_->arming = !at_once;
    reactor_.start_op(boost::asio::detail::reactor::read_op, wait_fd(), reactor_data_, op_,
                      /*is_continuation=*/false, /*allow_speculative=*/true);
    op_->arming = false;
}

// A queued wait completes now, as aborted; one already completing is not touched.
void SocketPoller::cancel_wait() { reactor_.cancel_ops(wait_fd(), reactor_data_); }

#else  // async_wait, with its re-arm

SocketPoller::SocketPoller(boost::asio::io_context& io, std::function<void()> after_batch, std::chrono::microseconds pace)
    : epoll_fd_(::epoll_create1(EPOLL_CLOEXEC)),
      descriptor_(io),
      after_batch_(std::move(after_batch)),
      pace_(pace) {
    if (epoll_fd_ < 0) throw std::system_error(errno, std::generic_category(), "epoll_create1");
    make_pacing(io);
    descriptor_.assign(::dup(wait_fd()));
}

SocketPoller::~SocketPoller() {
    boost::system::error_code ignored;
    descriptor_.close(ignored);
    if (gate_fd_ >= 0) ::close(gate_fd_);
    ::close(epoll_fd_);
}

// (The re-arm re-reports what is still ready: `at_once` comes free.)
void SocketPoller::wait(bool /*at_once*/) {
    waiting_ = true;
    descriptor_.async_wait(boost::asio::posix::stream_descriptor::wait_read,
                           [this, alive = std::weak_ptr<bool>(alive_)](boost::system::error_code ec) {
        if (alive.expired()) return;  // the poller is gone (its owner stopped)
        on_wake(ec);
    });
}

void SocketPoller::cancel_wait() {
    boost::system::error_code ignored;
    descriptor_.cancel(ignored);
}

#endif

// Paced: the gate, and the timer that serves while it is shut (net's Timer:
// its callback never runs once cancelled or destroyed, so it outlives no one).
void SocketPoller::make_pacing(boost::asio::io_context& io) {
    if (pace_.count() <= 0) return;
    pace_timer_ = AsioScheduler(io).make_timer([this] { serve_then_wait(); });
    gate_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
    epoll_event ev{};
    ev.events = EPOLLIN;
    if (gate_fd_ < 0 || ::epoll_ctl(gate_fd_, EPOLL_CTL_ADD, epoll_fd_, &ev) != 0) {
        const int error = errno;
        if (gate_fd_ >= 0) ::close(gate_fd_);
        ::close(epoll_fd_);
        throw std::system_error(error, std::generic_category(), "the poller's gate");
    }
}

void SocketPoller::open_gate(bool open) noexcept {
    if (gate_fd_ < 0 || gate_open_ == open) return;
    gate_open_ = open;
    epoll_event ev{};
    ev.events = open ? static_cast<std::uint32_t>(EPOLLIN) : 0u;
    ::epoll_ctl(gate_fd_, EPOLL_CTL_MOD, epoll_fd_, &ev);
}

void SocketPoller::stop() {
    stopped_ = true;
    cancel_wait();
    if (pace_timer_) pace_timer_->cancel();
}

bool SocketPoller::add(int fd, Target* target, std::uint32_t events) noexcept {
    epoll_event ev{};
    ev.events = events;
    ev.data.ptr = target;
    if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) != 0) return false;
    if (!waiting_ && !stopped_) wait(std::exchange(recheck_, false));
    return true;
}

void SocketPoller::modify(int fd, Target* target, std::uint32_t events, std::uint32_t previous) noexcept {
    epoll_event ev{};
    ev.events = events;
    ev.data.ptr = target;
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, fd, &ev);
    // If the socket already holds bytes when it is watched for them again,
    // epoll says so at the set's next epoll_wait, but without an edge to wake
    // the set when the socket is still listed in it from an earlier batch.
    // Room for writing is the writer's to try again (see the header).
    if ((events & ~previous & (EPOLLIN | EPOLLRDHUP)) != 0) recheck();
}

void SocketPoller::remove(int fd) noexcept {
    epoll_event ignored{};
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, &ignored);
}

// The set was ready (or a recheck cancelled the wait): serve it, then wait
// again. waiting_ stays set while serving, so a socket added meanwhile does
// not queue a second wait.
void SocketPoller::on_wake(const boost::system::error_code& ec) {
    const bool rechecking = ec == boost::asio::error::operation_aborted && recheck_;
    if (stopped_ || (ec && !rechecking)) {
        waiting_ = false;
        return;
    }
    serve_then_wait();
}

// Serve the set, then wait for its next edge; or, paced while sockets keep
// being ready, serve it again when the pace has passed, edge or not (the set
// is level-triggered: what became ready meanwhile is still there). waiting_
// stays set while paced: no edge wait is queued and a recheck is left to the
// paced serve.
void SocketPoller::serve_then_wait() {
    recheck_ = false;
    serving_ = true;
    const auto served_at = pace_timer_ ? std::chrono::steady_clock::now() : SteadyTime{};
    const Batch batch = serve();
    serving_ = false;
    if (stopped_) {
        waiting_ = false;
        return;
    }
    if (pace_timer_ && batch.ready > 0) {
        open_gate(false);
        pace_timer_->start_at(served_at + pace_);
        return;
    }
    const bool bytes_behind_gate = reopen_gate_found_bytes();
    wait(batch.more || std::exchange(recheck_, false) || bytes_behind_gate);
}

// Opens a shut gate; true if the set already has bytes. Bytes that came since
// the serve found nothing were kept from the gate while it was shut, and
// opening it need not say so: epoll only announces an entry that is not on
// its ready list already, and the gate's entry for the set stays listed from
// the last batch (nothing waits on the gate itself to clear it). So ask the
// gate, which also clears that entry when the set is empty: from then on
// every new byte is an edge.
bool SocketPoller::reopen_gate_found_bytes() noexcept {
    if (gate_fd_ < 0 || gate_open_) return false;
    open_gate(true);
    epoll_event ignored{};
    return ::epoll_wait(gate_fd_, &ignored, 1, 0) > 0;
}

// Serve the sockets that are ready now.
SocketPoller::Batch SocketPoller::serve() {
    Batch batch;
    batch.ready = std::max(0, ::epoll_wait(epoll_fd_, events_.data(), static_cast<int>(events_.size()), 0));
    batch.more = batch.ready == static_cast<int>(events_.size());  // a full batch: maybe more are ready
    for (int i = 0; i < batch.ready; ++i) {
        const epoll_event& event = events_[static_cast<std::size_t>(i)];
        batch.more |= static_cast<Target*>(event.data.ptr)->on_ready(event.events);
    }
    if (after_batch_) after_batch_();
    return batch;
}

// Serve the set once more soon, edge or not: at the end of this serve, or by
// cancelling the queued wait (its completion serves).
void SocketPoller::recheck() {
    if (stopped_) return;
    recheck_ = true;
    if (waiting_ && !serving_) cancel_wait();
}

}  // namespace tickwire::net::detail
