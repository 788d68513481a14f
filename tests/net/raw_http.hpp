#pragma once
// RawHttp: plain HTTP over a blocking loopback socket, bytes as written, so a
// test can send targets no HTTP client would (it would normalise "/../x"),
// and read the answer exactly as the server wrote it. Every read is bounded.
//
// Thread: one RawHttp per thread.

#include <sys/socket.h>
#include <sys/time.h>

#include <cctype>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

namespace tickwire::net::test {

/// A parsed answer: status, header block and body as received.
struct RawAnswer {
    unsigned status = 0;
    std::string head;  ///< status line and headers
    std::string body;

    /// The value of header `name` (case-insensitive), "" when absent.
    [[nodiscard]] std::string header(std::string_view name) const {
        std::string_view rest = head;
        while (!rest.empty()) {
            const auto end = rest.find("\r\n");
            const std::string_view line = rest.substr(0, end);
            rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 2);
            const auto colon = line.find(':');
            if (colon != name.size()) continue;
            bool same = true;
            for (std::size_t i = 0; i < colon && same; ++i)
                same = std::tolower(static_cast<unsigned char>(line[i])) == std::tolower(static_cast<unsigned char>(name[i]));
            if (!same) continue;
            std::string_view value = line.substr(colon + 1);
            while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
            return std::string(value);
        }
        return {};
    }
};

class RawHttp {
public:
    explicit RawHttp(std::uint16_t port) {
        socket_.connect({boost::asio::ip::make_address("127.0.0.1"), port});
        // A server that never answers fails the test in 10 s instead of hanging it.
        timeval timeout{10, 0};
        ::setsockopt(socket_.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    }

    void send(std::string_view bytes) { boost::asio::write(socket_, boost::asio::buffer(bytes)); }

    /// "GET target HTTP/1.1" with Host and nothing else, or with `extra` header lines ("Name: v\r\n").
    void request(std::string_view method, std::string_view target, std::string_view extra = {}) {
        send(std::string(method) + " " + std::string(target) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
             std::string(extra) + "\r\n");
    }

    /// Everything until the server closes (it answers one request per connection).
    std::string read_all() {
        std::string all;
        char chunk[65536];
        boost::system::error_code ec;
        for (;;) {
            const std::size_t n = socket_.read_some(boost::asio::buffer(chunk), ec);
            all.append(chunk, n);
            if (ec) return all;
        }
    }

    /// The answer; nullopt if what came back is not HTTP.
    std::optional<RawAnswer> answer() {
        const std::string all = read_all();
        const auto end = all.find("\r\n\r\n");
        if (!all.starts_with("HTTP/1.1 ") || end == std::string::npos) return std::nullopt;
        RawAnswer parsed;
        parsed.status = static_cast<unsigned>(std::stoul(all.substr(9, 3)));
        parsed.head = all.substr(0, end + 2);
        parsed.body = all.substr(end + 4);
        return parsed;
    }

    void close() {
        boost::system::error_code ignored;
        socket_.close(ignored);
    }

private:
    boost::asio::io_context io_;
    boost::asio::ip::tcp::socket socket_{io_};
};

/// One request on a fresh connection, its answer (status 0 if none).
inline RawAnswer fetch(std::uint16_t port, std::string_view method, std::string_view target,
                       std::string_view extra = {}) {
    RawHttp http(port);
    http.request(method, target, extra);
    return http.answer().value_or(RawAnswer{});
}

}  // namespace tickwire::net::test
