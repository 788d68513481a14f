#include "fake_http_server.hpp"

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

namespace tickwire::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

/// One connection: read one request, answer it (or hold it), close.
struct Exchange : std::enable_shared_from_this<Exchange> {
    Exchange(tcp::socket socket, std::function<std::optional<FakeResponse>(const RecordedRequest&)> respond)
        : stream(std::move(socket)), respond(std::move(respond)) {}

    void start() {
        http::async_read(stream, buffer, request, [self = shared_from_this()](beast::error_code ec, std::size_t) {
            if (ec) return;
            RecordedRequest recorded{std::string(self->request.method_string()), std::string(self->request.target()),
                                     std::string(self->request[http::field::content_type]), self->request.body()};
            const std::optional<FakeResponse> answer = self->respond(recorded);
            if (!answer) {
                // A hung peer: read on (nothing comes), holding the socket open
                // until the client gives up or the server stops.
                self->stream.async_read_some(asio::buffer(self->sink), [self](beast::error_code, std::size_t) {});
                return;
            }
            self->response.result(static_cast<unsigned>(answer->status));
            self->response.version(11);
            self->response.set(http::field::content_type, answer->content_type);
            self->response.keep_alive(false);
            self->response.body() = answer->body;
            self->response.prepare_payload();
            http::async_write(self->stream, self->response, [self](beast::error_code, std::size_t) {
                beast::error_code ignored;
                self->stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
            });
        });
    }

    beast::tcp_stream stream;
    std::function<std::optional<FakeResponse>(const RecordedRequest&)> respond;
    beast::flat_buffer buffer;
    http::request<http::string_body> request;
    http::response<http::string_body> response;
    char sink[64];
};

}  // namespace

FakeHttpServer::FakeHttpServer(Handler handler)
    : handler_(std::move(handler)), acceptor_(io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
    port_ = acceptor_.local_endpoint().port();
    accept();
    thread_ = std::thread([this] { io_.run(); });
}

FakeHttpServer::~FakeHttpServer() {
    io_.stop();
    thread_.join();
}

std::vector<RecordedRequest> FakeHttpServer::requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
}

void FakeHttpServer::accept() {
    acceptor_.async_accept([this](beast::error_code ec, tcp::socket socket) {
        if (ec) return;
        std::make_shared<Exchange>(std::move(socket), [this](const RecordedRequest& request) {
            {
                std::lock_guard lock(mutex_);
                requests_.push_back(request);
            }
            return handler_(request);
        })->start();
        accept();
    });
}

}  // namespace tickwire::test
