#include "browser/browser_network_loop.hpp"

#include <emscripten/eventloop.h>

#include <algorithm>

namespace tickwire::net {
namespace detail {

NetworkLoop::NetworkLoop(NetworkThreadOptions options)
    : options_(options), shutdown_deadline_(scheduler.make_timer([this] { abandon_the_rest(); })) {}

NetworkLoop::~NetworkLoop() {
    if (wake_armed_) emscripten_clear_immediate(wake_task_);
}

void NetworkLoop::wake() noexcept {
    if (wake_armed_) return;  // a wake-up is already on its way
    wake_armed_ = true;
    wake_task_ = emscripten_set_immediate(&on_wake_task, this);
}

void NetworkLoop::on_wake_task(void* self) { static_cast<NetworkLoop*>(self)->visit_woken(); }

void NetworkLoop::visit_woken() {
    wake_armed_ = false;
    ++wakeups;
    // Endpoints may detach (or attach) themselves inside on_wake.
    for (std::size_t i = 0; i < endpoints_.size(); ++i) {
        Endpoint* endpoint = endpoints_[i];
        if (endpoint->wake_requested->exchange(false)) {
            endpoint->on_wake();
            if (i < endpoints_.size() && endpoints_[i] != endpoint) --i;  // it detached itself
        }
    }
}

void NetworkLoop::attach(Endpoint* endpoint) {
    endpoints_.push_back(endpoint);
    // A flush may have happened before attaching; serve it.
    if (endpoint->wake_requested->exchange(false)) endpoint->on_wake();
}

void NetworkLoop::detach(Endpoint* endpoint) {
    endpoints_.erase(std::remove(endpoints_.begin(), endpoints_.end(), endpoint), endpoints_.end());
    if (retiring_ && endpoints_.empty()) free_soon();
}

void NetworkLoop::retire(std::unique_ptr<NetworkLoop> loop) {
    NetworkLoop* self = loop.release();  // freed by free_soon()
    // From the event loop, never inside the game's call that let go.
    self->scheduler.post([self] { self->shut_down(); });
}

void NetworkLoop::shut_down() {
    retiring_ = true;
    const auto snapshot = endpoints_;
    for (Endpoint* endpoint : snapshot) endpoint->on_shutdown();
    if (endpoints_.empty()) return free_soon();
    shutdown_deadline_->start_after(options_.shutdown_timeout);
}

void NetworkLoop::abandon_the_rest() {
    // Their peers never finished closing: drop them (each frees its own socket).
    const auto abandoned = std::move(endpoints_);
    endpoints_.clear();
    for (Endpoint* endpoint : abandoned) endpoint->on_abandoned();
    free_soon();
}

void NetworkLoop::free_soon() {
    if (freeing_) return;
    freeing_ = true;
    shutdown_deadline_->cancel();
    // Later, not now: the endpoint that detached last is still running.
    scheduler.post([this] { delete this; });
}

void wake(NetworkLoop& loop) noexcept { loop.wake(); }
void attach(NetworkLoop& loop, Endpoint* endpoint) { loop.attach(endpoint); }
void detach(NetworkLoop& loop, Endpoint* endpoint) { loop.detach(endpoint); }
Scheduler& scheduler(NetworkLoop& loop) noexcept { return loop.scheduler; }

}  // namespace detail

std::shared_ptr<NetworkThread> NetworkThread::create(NetworkThreadOptions options) {
    return std::shared_ptr<NetworkThread>(new NetworkThread(std::make_unique<detail::NetworkLoop>(options)));
}

NetworkThread::NetworkThread(std::unique_ptr<detail::NetworkLoop> loop) : loop_(std::move(loop)) {}

NetworkThread::~NetworkThread() { detail::NetworkLoop::retire(std::move(loop_)); }

std::uint64_t NetworkThread::wakeups() const noexcept { return loop_->wakeups; }

}  // namespace tickwire::net
