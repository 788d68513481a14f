#pragma once
// EventOutbox: the network thread's side of a stream queue. Events go to the
// game in order; when the game's queue is full they wait in a backlog that is
// retried every millisecond, and the caller pauses whatever produced them
// (TCP back-pressure) until `on_drained` runs. Events for a game that has gone
// away (`abandoned`) are released instead.
//
// Thread: network thread only.

#include <atomic>
#include <chrono>
#include <functional>
#include <vector>

#include "scheduler.hpp"
#include "spsc.hpp"

namespace tickwire::net::detail {

class EventOutbox {
public:
    EventOutbox(Scheduler& scheduler, SpscQueue<RawEvent>& queue, std::atomic<std::uint64_t>& pushed,
                const std::atomic<bool>& abandoned)
        : queue_(queue), pushed_(pushed), abandoned_(abandoned), timer_(scheduler.make_timer([this] {
              retry_pending_ = false;
              drain();
          })) {}

    ~EventOutbox() {
        for (std::size_t i = head_; i < backlog_.size(); ++i) release(backlog_[i]);
    }

    EventOutbox(const EventOutbox&) = delete;
    EventOutbox& operator=(const EventOutbox&) = delete;

    /// Runs once the backlog has emptied (resume readers, finish detaching).
    std::function<void()> on_drained;

    /// Deliver or queue `event`; false if it had to wait in the backlog.
    bool emit(RawEvent event) {
        if (abandoned_.load(std::memory_order_relaxed)) {
            release(event);  // nobody will read it
            return true;
        }
        if (empty() && queue_.push(event)) {
            pushed_.fetch_add(1, std::memory_order_relaxed);
            return true;
        }
        backlog_.push_back(event);
        retry_soon();
        return false;
    }

    [[nodiscard]] bool empty() const noexcept { return head_ == backlog_.size(); }

    void cancel() {
        timer_->cancel();
        retry_pending_ = false;
    }

private:
    void retry_soon() {
        if (retry_pending_) return;
        retry_pending_ = true;
        // The game drains its stream once per frame; 1 ms keeps latency low
        // without spinning.
        timer_->start_after(std::chrono::milliseconds(1));
    }

    void drain() {
        while (head_ < backlog_.size()) {
            RawEvent& event = backlog_[head_];
            if (abandoned_.load(std::memory_order_relaxed)) {
                release(event);
            } else if (queue_.push(event)) {
                pushed_.fetch_add(1, std::memory_order_relaxed);
            } else {
                return retry_soon();
            }
            ++head_;
        }
        backlog_.clear();  // keeps capacity
        head_ = 0;
        if (on_drained) on_drained();
    }

    SpscQueue<RawEvent>& queue_;
    std::atomic<std::uint64_t>& pushed_;
    const std::atomic<bool>& abandoned_;
    std::unique_ptr<Timer> timer_;  // cancelled with the outbox: never fires into a dead one
    std::vector<RawEvent> backlog_;
    std::size_t head_ = 0;
    bool retry_pending_ = false;
};

}  // namespace tickwire::net::detail
