#include "tickwire/net/events.hpp"

namespace tickwire::net {

std::string_view to_string(ErrorKind kind) noexcept {
    switch (kind) {
    case ErrorKind::none: return "none";
    case ErrorKind::dns: return "dns";
    case ErrorKind::refused: return "refused";
    case ErrorKind::tls: return "tls";
    case ErrorKind::handshake_rejected: return "handshake_rejected";
    case ErrorKind::timeout: return "timeout";
    case ErrorKind::protocol: return "protocol";
    case ErrorKind::io: return "io";
    case ErrorKind::invalid_url: return "invalid_url";
    case ErrorKind::overflow: return "overflow";
    case ErrorKind::unsupported: return "unsupported";
    }
    return "unknown";
}

std::string_view to_string(ChannelState state) noexcept {
    switch (state) {
    case ChannelState::connecting: return "connecting";
    case ChannelState::open: return "open";
    case ChannelState::closing: return "closing";
    case ChannelState::closed: return "closed";
    }
    return "unknown";
}

std::string_view to_string(EventType type) noexcept {
    switch (type) {
    case EventType::opened: return "opened";
    case EventType::message: return "message";
    case EventType::closed: return "closed";
    case EventType::error: return "error";
    case EventType::reconnecting: return "reconnecting";
    case EventType::resumed: return "resumed";
    }
    return "unknown";
}

std::string_view to_string(ServerEventType type) noexcept {
    switch (type) {
    case ServerEventType::connected: return "connected";
    case ServerEventType::message: return "message";
    case ServerEventType::disconnected: return "disconnected";
    case ServerEventType::resumed: return "resumed";
    case ServerEventType::log: return "log";
    case ServerEventType::http_request: return "http_request";
    }
    return "unknown";
}

namespace {
// A connected event's detail is "address\0path\0query" (one pooled buffer, no
// per-field allocation); field(n) returns the n-th part.
std::string_view field(const Message& detail, int index) {
    std::string_view rest = detail.text();
    for (int i = 0; i < index; ++i) {
        const auto nul = rest.find('\0');
        if (nul == std::string_view::npos) return {};
        rest.remove_prefix(nul + 1);
    }
    return rest.substr(0, rest.find('\0'));
}
}  // namespace

namespace {
bool has_address(ServerEventType type) {
    return type == ServerEventType::connected || type == ServerEventType::resumed ||
           type == ServerEventType::http_request;
}
}  // namespace

std::string_view ServerEvent::remote_address() const noexcept {
    return has_address(type) ? field(detail, 0) : std::string_view();
}
std::string_view ServerEvent::path() const noexcept {
    return has_address(type) ? field(detail, 1) : std::string_view();
}
std::string_view ServerEvent::query() const noexcept {
    return has_address(type) ? field(detail, 2) : std::string_view();
}

}  // namespace tickwire::net
