#include "http_endpoints.hpp"

namespace tickwire::game::server {

void HttpEndpoints::add(std::string path, Render render, std::string content_type) {
    endpoints_.push_back({std::move(path), std::move(content_type), std::move(render)});
}

bool HttpEndpoints::publish(std::string_view path) {
    for (const Endpoint& e : endpoints_) {
        if (e.path == path) return server_.publish_http(e.path, e.render(), e.content_type);
    }
    return false;
}

void HttpEndpoints::publish_all() {
    for (const Endpoint& e : endpoints_) server_.publish_http(e.path, e.render(), e.content_type);
}

}  // namespace tickwire::game::server
