#include "tickwire/game/fleet/agones_client.hpp"

#include <charconv>
#include <cstdlib>

#include <boost/json.hpp>

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
        case AgonesCall::game_server: return "gameserver";
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

bool AgonesClient::game_server(std::string port_name) {
    port_name_ = std::move(port_name);
    return call(AgonesCall::game_server);
}

void read_game_server(std::string_view body, std::string_view port_name, AgonesResult& out) {
    boost::json::error_code ec;
    const boost::json::value json = boost::json::parse(body, ec);
    const boost::json::value* status = !ec && json.is_object() ? json.as_object().if_contains("status") : nullptr;
    const boost::json::object* fields = status != nullptr && status->is_object() ? &status->as_object() : nullptr;
    const boost::json::value* address = fields != nullptr ? fields->if_contains("address") : nullptr;
    const boost::json::value* ports = fields != nullptr ? fields->if_contains("ports") : nullptr;
    if (address == nullptr || !address->is_string() || address->as_string().empty() ||
        address->as_string().size() > 255 || ports == nullptr || !ports->is_array()) {
        out.error = "agones gameserver: no status.address and status.ports (not allocated a port yet?)";
        return;
    }
    // The named port, else the first: a GameServer with one port names it as it likes.
    const boost::json::object* chosen = nullptr;
    for (const boost::json::value& port : ports->as_array()) {
        if (!port.is_object()) continue;
        const boost::json::value* name = port.as_object().if_contains("name");
        if (chosen == nullptr) chosen = &port.as_object();
        if (name != nullptr && name->is_string() && name->as_string() == port_name) {
            chosen = &port.as_object();
            break;
        }
    }
    const boost::json::value* number = chosen != nullptr ? chosen->if_contains("port") : nullptr;
    if (number == nullptr || !number->is_number()) {
        out.error = "agones gameserver: status.ports has no port number";
        return;
    }
    const auto port = number->to_number<double>();
    if (!(port >= 1 && port <= 65535) || port != static_cast<double>(static_cast<int>(port))) {
        out.error = "agones gameserver: port out of range";
        return;
    }
    out.address = address->as_string();
    out.port = static_cast<std::uint16_t>(port);
    out.ok = true;
}

bool AgonesClient::call(AgonesCall call) {
    detail::HttpRequest request;
    request.id = static_cast<std::uint64_t>(call);
    request.post = call != AgonesCall::game_server;
    request.host = config_.host;
    request.port = std::to_string(config_.port);
    request.target = "/" + std::string(to_string(call));
    if (request.post) {
        request.body = "{}";
        request.content_type = "application/json";
    }
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
    } else if (out.call == AgonesCall::game_server) {
        read_game_server(outcome.body, port_name_, out);
    } else {
        out.ok = true;
    }
    return true;
}

}  // namespace tickwire::game::fleet
