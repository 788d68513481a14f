#pragma once
// AsioScheduler: the Scheduler of the native network thread (io_context timers).
//
// Thread: the network thread only (created with the NetworkLoop).

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "scheduler.hpp"

namespace tickwire::net::detail {

class AsioScheduler final : public Scheduler {
public:
    explicit AsioScheduler(boost::asio::io_context& io) : io_(io) {}

    [[nodiscard]] SteadyTime now() const noexcept override { return std::chrono::steady_clock::now(); }

    [[nodiscard]] std::unique_ptr<Timer> make_timer(std::function<void()> fire) override {
        return std::make_unique<AsioTimer>(io_, std::move(fire));
    }

    void post(std::function<void()> task) override { boost::asio::post(io_, std::move(task)); }

private:
    class AsioTimer final : public Timer {
    public:
        AsioTimer(boost::asio::io_context& io, std::function<void()> fire)
            : state_(std::make_shared<State>(io, std::move(fire))) {}
        ~AsioTimer() override { cancel(); }

        void start_at(SteadyTime when) override {
            state_->timer.expires_at(when);
            arm();
        }
        void start_after(std::chrono::milliseconds delay) override {
            state_->timer.expires_after(delay);
            arm();
        }
        void cancel() noexcept override {
            ++state_->generation;  // an expiry already queued finds itself stale
            state_->timer.cancel();
        }

    private:
        // Shared with the pending wait, so a queued handler never touches a destroyed timer.
        struct State {
            State(boost::asio::io_context& io, std::function<void()> f) : timer(io), fire(std::move(f)) {}
            boost::asio::steady_timer timer;
            std::function<void()> fire;
            std::uint64_t generation = 0;
        };

        void arm() {
            const std::uint64_t generation = ++state_->generation;
            state_->timer.async_wait([state = state_, generation](boost::system::error_code ec) {
                if (!ec && state->generation == generation) state->fire();
            });
        }

        std::shared_ptr<State> state_;
    };

    boost::asio::io_context& io_;
};

}  // namespace tickwire::net::detail
