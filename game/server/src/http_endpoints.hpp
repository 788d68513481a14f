#pragma once
// HttpEndpoints: the documents the match server answers plain HTTP GETs with
// on its WebSocket port (net::Server::publish_http), each a path, a content
// type and a function that renders the current body. The server registers
// /status this way. Answers that must be fresh or may wait (/rooms, /match,
// /metrics, /healthz) are net http_routes instead, answered one by one in
// MatchServer::Impl::on_http. Rendering happens on the game thread; net
// serves the last published body from its own thread.
//
// Thread: the game thread.

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "tickwire/net/server.hpp"

namespace tickwire::game::server {

class HttpEndpoints {
public:
    using Render = std::function<std::string()>;

    explicit HttpEndpoints(net::Server& server) : server_(server) {}

    /// Serve `path`; the body is rendered at each publish().
    void add(std::string path, Render render, std::string content_type = "application/json");
    /// Render and publish one endpoint (false if unknown or net refused).
    bool publish(std::string_view path);
    /// Render and publish every endpoint.
    void publish_all();

private:
    struct Endpoint {
        std::string path, content_type;
        Render render;
    };
    net::Server& server_;
    std::vector<Endpoint> endpoints_;
};

}  // namespace tickwire::game::server
