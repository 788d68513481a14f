#include "browser/browser_network_loop.hpp"

#include <emscripten/eventloop.h>

#include <algorithm>

#include "endpoint_list.hpp"

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
    visit_woken_endpoints(endpoints_);
}

void NetworkLoop::attach(Endpoint* endpoint) {
    attach_endpoint(endpoints_, endpoint);
}

void NetworkLoop::detach(Endpoint* endpoint) {
    detach_endpoint(endpoints_, endpoint);
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

// The page's event loop runs the sockets between frames: nothing to run here.
bool NetworkThread::run_until(std::chrono::steady_clock::time_point) { return false; }

bool NetworkThread::run_once(std::chrono::steady_clock::time_point) { return false; }

}  // namespace tickwire::net
