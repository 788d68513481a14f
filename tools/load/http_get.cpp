#include "http_get.hpp"

#include <chrono>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/parse.hpp>

#include "tickwire/net/url.hpp"

namespace tickwire::load {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

std::optional<std::string> http_get(std::string_view text) {
    const auto url = net::parse_http_url(text);
    if (!url || url->secure) return std::nullopt;
    asio::io_context io;
    beast::tcp_stream stream(io);
    beast::error_code ec;
    // One deadline for the whole exchange: a status fetch must not stall a measurement.
    stream.expires_after(std::chrono::seconds(2));
    const auto endpoints = asio::ip::tcp::resolver(io).resolve(url->host, url->port, ec);
    if (ec) return std::nullopt;
    stream.connect(endpoints, ec);
    if (ec) return std::nullopt;
    http::request<http::empty_body> request{http::verb::get, url->target, 11};
    request.set(http::field::host, url->host);
    request.set(http::field::connection, "close");
    http::write(stream, request, ec);
    if (ec) return std::nullopt;
    beast::flat_buffer buffer;
    http::response<http::string_body> response;
    http::read(stream, buffer, response, ec);
    if (ec || response.result() != http::status::ok) return std::nullopt;
    stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
    return std::move(response.body());
}

std::optional<boost::json::object> json_object(std::string_view text) {
    boost::system::error_code ec;
    boost::json::value value = boost::json::parse(text, ec);
    if (ec || !value.is_object()) return std::nullopt;
    return std::move(value.as_object());
}

std::optional<double> json_number(const boost::json::object& object, std::string_view key) {
    const boost::json::value* value = object.if_contains(key);
    if (value == nullptr || !value->is_number()) return std::nullopt;
    return value->to_number<double>();
}

}  // namespace tickwire::load
