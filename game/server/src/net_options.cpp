#include "net_options.hpp"

#include "tickwire/schemas/protocol.hpp"

namespace tickwire::game::server {

net::ServerOptions net_options(const ServerConfig& config) {
    net::ServerOptions options;
    options.address = config.address;
    options.port = config.port;
    options.tls_certificate_file = config.tls_certificate_file;
    options.tls_private_key_file = config.tls_private_key_file;
    options.web_root = config.web_root;
    options.max_connections =
        config.max_connections != 0
            ? config.max_connections
            : static_cast<std::size_t>(config.max_rooms) * static_cast<std::size_t>(config.max_players) + 16;
    options.max_connections_per_ip = config.max_connections_per_ip;
    options.handshake_timeout = config.handshake_timeout;
    options.read_pace = config.read_pace;
    options.piggyback_acks = config.piggyback_acks;
    options.max_message_size = schemas::kMaxPacketBytes;
    // A client stalled for seconds holds at most this much; beyond it the net
    // layer closes it as a slow consumer (superseding keeps us far below).
    options.write_queue_limit_bytes = 1u << 20;
    options.log = config.log_level >= LogLevel::warn;
    options.session.enabled = config.session;
    options.session.grace_period = config.session_grace;
    options.session.token_lifetime = config.session_token_lifetime;
    // What a session may hold unacknowledged: join result, roster, chat,
    // events and clock replies. A 30 s outage in a busy room stays far below;
    // a client that never acks is closed (1008) at 512 KiB, not net's 8 MiB.
    options.session.max_unacked_messages = 2048;
    options.session.max_unacked_bytes = 512u << 10;
    options.session.secret = config.session_secret;
    // net's refusals reach our logger as events on the game thread: the
    // logger (config.log_sink) is game code and never runs on net's thread.
    options.log_events = true;
    // Answered by the game (MatchServer::Impl::on_http): fresh every time,
    // and /match may wait for the room directory.
    options.http_routes = {"/match", "/rooms", "/metrics", "/healthz"};
    return options;
}

}  // namespace tickwire::game::server
