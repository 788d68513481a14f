#pragma once
// NetSimPipe: the network simulator applied to one connection — two delay
// lines (outbound before the write queue, inbound before delivery) that
// release messages when NetSimLink says they are due, and the abrupt drop it
// may decide. Portable: time and timers come from the backend's Scheduler, so
// the native WsConnection and a browser transport run the same simulator.
// Messages keep their order; the lines keep their storage (no allocation per
// message once warm).
//
// Thread: the loop's thread only.

#include <cstddef>
#include <memory>
#include <vector>

#include "netsim_link.hpp"
#include "scheduler.hpp"
#include "tickwire/net/message.hpp"

namespace tickwire::net::detail {

class NetSimPipe {
public:
    /// Where due messages go: the connection that owns the pipe.
    class Ends {
    public:
        virtual ~Ends() = default;
        /// Held while the pipe releases messages: the owner may end (and let
        /// go of itself) inside a delivery.
        virtual std::shared_ptr<void> keep_alive() = 0;
        virtual void on_sim_outbound(Message message, bool latest) = 0;
        /// False: the game is behind; hold the rest until resume_inbound().
        virtual bool on_sim_inbound(Message message) = 0;
        /// The outbound line is empty (a pending close may go now).
        virtual void on_sim_outbound_drained() = 0;
        /// The inbound line is below its bound (a paused reader may resume).
        virtual void on_sim_inbound_room() = 0;
    };

    // Inbound messages held back at most; beyond it reading pauses (TCP pushes back).
    static constexpr std::size_t kMaxDelayedInbound = 4096;

    NetSimPipe(Scheduler& scheduler, std::shared_ptr<NetSimLink> link, Ends& ends)
        : scheduler_(scheduler),
          link_(std::move(link)),
          ends_(ends),
          out_timer_(scheduler.make_timer([this] { on_timer(out_); })),
          in_timer_(scheduler.make_timer([this] { on_timer(in_); })) {
        link_->reset_lanes();  // a new connection: its predecessor's backlog died with it
    }

    /// False: the simulated network drops the connection now (the message is lost).
    [[nodiscard]] bool send(Message message, bool latest) {
        if (dropped_) return true;  // the drop is on its way
        return enqueue(out_, NetSimLink::outbound, std::move(message), latest);
    }

    enum class Received : std::uint8_t { keep_reading, pause_reading, drop };
    Received receive(Message message) {
        if (dropped_) return Received::drop;  // the drop is on its way: nothing more is read
        if (!enqueue(in_, NetSimLink::inbound, std::move(message), false)) return Received::drop;
        return in_.size() >= kMaxDelayedInbound ? Received::pause_reading : Received::keep_reading;
    }

    /// The game caught up: deliver what is due, and keep releasing.
    void resume_inbound() {
        game_blocked_ = false;
        release_inbound();
    }

    [[nodiscard]] bool outbound_empty() const noexcept { return out_.empty(); }
    void clear_outbound() noexcept { out_.clear(); }
    /// The connection ended: nothing more is released.
    void stop() noexcept {
        stopped_ = true;
        out_timer_->cancel();
        in_timer_->cancel();
        out_.clear();
        in_.clear();
    }

private:
    struct Delayed {
        SteadyTime due;
        Message message;
        bool latest = false;
    };

    /// A FIFO of delayed messages that keeps its storage.
    struct DelayLine {
        std::vector<Delayed> items;
        std::size_t head = 0;
        bool inbound = false;
        [[nodiscard]] bool empty() const noexcept { return head == items.size(); }
        [[nodiscard]] std::size_t size() const noexcept { return items.size() - head; }
        Delayed& front() noexcept { return items[head]; }
        void pop() noexcept {
            items[head].message.reset();
            if (++head == items.size()) clear();
        }
        void clear() noexcept {
            items.clear();
            head = 0;
        }
    };

    bool enqueue(DelayLine& line, NetSimLink::Direction direction, Message message, bool latest) {
        const auto verdict = link_->decide(direction, message.size(), scheduler_.now());
        if (verdict.disconnect) {
            dropped_ = true;
            return false;
        }
        const bool was_empty = line.empty();
        line.items.push_back({verdict.due, std::move(message), latest});
        if (was_empty) arm(line);  // else the timer is set for an earlier message
        return true;
    }

    void arm(DelayLine& line) {
        if (line.empty() || stopped_) return;
        (line.inbound ? in_timer_ : out_timer_)->start_at(line.front().due);
    }

    void on_timer(DelayLine& line) {
        const auto guard = ends_.keep_alive();
        if (line.inbound)
            release_inbound();
        else
            release_outbound();
    }

    void release_outbound() {
        const SteadyTime now = scheduler_.now();
        while (!stopped_ && !out_.empty() && out_.front().due <= now) {
            Delayed& item = out_.front();
            Message message = std::move(item.message);
            const bool latest = item.latest;
            out_.pop();
            ends_.on_sim_outbound(std::move(message), latest);
        }
        if (stopped_) return;
        arm(out_);
        if (out_.empty()) ends_.on_sim_outbound_drained();
    }

    void release_inbound() {
        if (stopped_) return;
        const SteadyTime now = scheduler_.now();
        while (!game_blocked_ && !in_.empty() && in_.front().due <= now) {
            Message message = std::move(in_.front().message);
            in_.pop();
            if (!ends_.on_sim_inbound(std::move(message))) game_blocked_ = true;
            if (stopped_) return;
        }
        if (!game_blocked_) arm(in_);
        if (in_.size() < kMaxDelayedInbound) ends_.on_sim_inbound_room();
    }

    Scheduler& scheduler_;
    std::shared_ptr<NetSimLink> link_;
    Ends& ends_;
    DelayLine out_{{}, 0, false}, in_{{}, 0, true};
    std::unique_ptr<Timer> out_timer_, in_timer_;
    bool game_blocked_ = false;  ///< on_sim_inbound said wait
    bool dropped_ = false;
    bool stopped_ = false;
};

}  // namespace tickwire::net::detail
