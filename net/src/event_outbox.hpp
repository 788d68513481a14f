#pragma once
// EventOutbox: the network thread's side of a stream queue. Events go to the
// game in order; when the game's queue is full they wait in a backlog that is
// retried every millisecond, and the caller pauses whatever produced them
// (TCP back-pressure) until `on_drained` runs. Events for a game that has gone
// away (`abandoned`) are released instead.
//
// With a byte budget (limit_bytes), messages the game has not polled yet
// count too: past the budget the queue is full in bytes, however few events
// it holds, so a peer streaming large messages at a slow game is held by TCP.
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

    /// Hold events back while the game has more than `max_bytes` of message
    /// bytes to poll; `popped_bytes` is what the game thread has taken so far.
    void limit_bytes(std::size_t max_bytes, const std::atomic<std::uint64_t>* popped_bytes) noexcept {
        max_bytes_ = max_bytes;
        popped_bytes_ = popped_bytes;
    }

    /// Deliver or queue `event`; false if it had to wait in the backlog.
    bool emit(RawEvent event) {
        if (abandoned_.load(std::memory_order_relaxed)) {
            release(event);  // nobody will read it
            return true;
        }
        if (empty() && push(event)) return true;
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
    bool push(RawEvent& event) {
        const std::size_t bytes = event.message != nullptr ? event.message->size : 0;
        if (popped_bytes_ != nullptr && bytes != 0) {
            const std::uint64_t waiting = pushed_bytes_ - popped_bytes_->load(std::memory_order_relaxed);
            if (waiting != 0 && waiting + bytes > max_bytes_) return false;  // (one message always fits)
        }
        if (!queue_.push(event)) return false;
        pushed_.fetch_add(1, std::memory_order_relaxed);
        pushed_bytes_ += bytes;
        return true;
    }

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
            } else if (!push(event)) {
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
    std::size_t max_bytes_ = 0;
    const std::atomic<std::uint64_t>* popped_bytes_ = nullptr;  ///< null: no byte budget
    std::uint64_t pushed_bytes_ = 0;
    std::size_t head_ = 0;
    bool retry_pending_ = false;
};

}  // namespace tickwire::net::detail
