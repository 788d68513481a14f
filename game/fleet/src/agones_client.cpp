#include "tickwire/game/fleet/agones_client.hpp"

#include <charconv>
#include <cstdlib>

#include "http_worker.hpp"

namespace tickwire::game::fleet {

AgonesConfig agones_config_from_environment() {
    AgonesConfig config;
    if (const char* text = std::getenv("AGONES_SDK_HTTP_PORT")) {
        const std::string_view digits(text);
        unsigned port = 0;
        const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
        if (ec == std::errc() && end == digits.data() + digits.size() && port > 0 && port <= 65535)
            config.port = static_cast<std::uint16_t>(port);
    }
    return config;
}

std::string_view to_string(AgonesCall call) noexcept {
    switch (call) {
        case AgonesCall::ready: return "ready";
        case AgonesCall::health: return "health";
        case AgonesCall::shutdown: return "shutdown";
    }
    return "unknown";
}

// Health pings every second or so and a sidecar that stopped answering: a few
// unanswered calls are plenty, after which health() says false.
AgonesClient::AgonesClient(AgonesConfig config)
    : config_(std::move(config)), worker_(std::make_unique<detail::HttpWorker>(8, 4096)) {}

AgonesClient::~AgonesClient() = default;

bool AgonesClient::ready() { return call(AgonesCall::ready); }
bool AgonesClient::health() { return call(AgonesCall::health); }
bool AgonesClient::shutdown() { return call(AgonesCall::shutdown); }

bool AgonesClient::call(AgonesCall call) {
    detail::HttpRequest request;
    request.id = static_cast<std::uint64_t>(call);
    request.post = true;
    request.host = config_.host;
    request.port = std::to_string(config_.port);
    request.target = "/" + std::string(to_string(call));
    request.body = "{}";
    request.content_type = "application/json";
    request.timeout = config_.timeout;
    return worker_->submit(request);
}

bool AgonesClient::poll(AgonesResult& out) {
    detail::HttpOutcome outcome;
    if (!worker_->poll(outcome)) return false;
    out = AgonesResult{};
    out.call = static_cast<AgonesCall>(outcome.id);
    if (outcome.status == 0) {
        out.error = "agones " + std::string(to_string(out.call)) + ": " + outcome.error;
    } else if (outcome.status != 200) {
        out.error = "agones " + std::string(to_string(out.call)) + ": sidecar answered " +
                    std::to_string(outcome.status);
    } else {
        out.ok = true;
    }
    return true;
}

}  // namespace tickwire::game::fleet
