#pragma once
// FakeHttpServer: an HTTP/1.1 server on 127.0.0.1:<free port> for tests of
// HTTP clients (matchmaking, Agones). It records every request and answers
// with what the test's handler returns; a handler that returns nullopt makes
// it hold the connection without answering (a hung peer).
//
// Thread: its own io thread serves; the test thread constructs it, reads
// requests() and port(), and destroys it.

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

namespace tickwire::test {

struct RecordedRequest {
    std::string method, target, content_type, body;
};

struct FakeResponse {
    int status = 200;
    std::string body;
    std::string content_type = "application/json";
};

class FakeHttpServer {
public:
    using Handler = std::function<std::optional<FakeResponse>(const RecordedRequest&)>;
    explicit FakeHttpServer(Handler handler);
    ~FakeHttpServer();

    [[nodiscard]] std::uint16_t port() const noexcept { return port_; }
    [[nodiscard]] std::string url(const std::string& target) const {
        return "http://127.0.0.1:" + std::to_string(port_) + target;
    }
    [[nodiscard]] std::vector<RecordedRequest> requests() const;

private:
    void accept();

    Handler handler_;
    boost::asio::io_context io_;
    boost::asio::ip::tcp::acceptor acceptor_;
    std::uint16_t port_ = 0;
    mutable std::mutex mutex_;
    std::vector<RecordedRequest> requests_;
    std::thread thread_;
};

}  // namespace tickwire::test
