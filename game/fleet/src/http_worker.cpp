#include "http_worker.hpp"

#include <unistd.h>

#include <functional>
#include <optional>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/lockfree/spsc_queue.hpp>

#include "tickwire/net/url.hpp"
#include "wake_signal.hpp"

namespace tickwire::game::fleet::detail {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

/// One request from resolve to the last byte of the response, Beast's
/// do_x / on_x pairs; holds itself alive through its pending handler.
class HttpExchange : public std::enable_shared_from_this<HttpExchange> {
public:
    using Done = std::function<void(HttpOutcome)>;

    HttpExchange(asio::io_context& io, HttpRequest request, std::size_t max_body, Done done)
        : resolver_(io), stream_(io), request_(std::move(request)), done_(std::move(done)) {
        parser_.body_limit(max_body);
    }

    void start() {
        outgoing_.method(request_.post ? http::verb::post : http::verb::get);
        outgoing_.target(request_.target);
        outgoing_.version(11);
        outgoing_.set(http::field::host, request_.host + ":" + request_.port);
        outgoing_.set(http::field::user_agent, "tickwire");
        outgoing_.set(http::field::connection, "close");
        if (request_.post) {
            outgoing_.set(http::field::content_type, request_.content_type);
            outgoing_.body() = request_.body;
        }
        outgoing_.prepare_payload();
        // The deadline covers every step, resolve included.
        deadline_.emplace(stream_.get_executor());
        deadline_->expires_after(request_.timeout);
        deadline_->async_wait([weak = weak_from_this()](beast::error_code ec) {
            if (ec) return;
            if (auto self = weak.lock()) self->on_deadline();
        });
        resolver_.async_resolve(request_.host, request_.port,
                                [self = shared_from_this()](beast::error_code ec, tcp::resolver::results_type results) {
                                    self->on_resolve(ec, results);
                                });
    }

private:
    void on_deadline() {
        timed_out_ = true;
        resolver_.cancel();
        stream_.cancel();
    }

    // Each step checks timed_out_ too: the deadline may fire just after a
    // step completed, when there was nothing in flight for it to cancel.
    void on_resolve(beast::error_code ec, const tcp::resolver::results_type& results) {
        if (ec || timed_out_) return fail(ec, "resolve");
        stream_.async_connect(results, [self = shared_from_this()](beast::error_code ec, const tcp::endpoint&) {
            self->on_connect(ec);
        });
    }

    void on_connect(beast::error_code ec) {
        if (ec || timed_out_) return fail(ec, "connect");
        http::async_write(stream_, outgoing_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
            self->on_write(ec);
        });
    }

    void on_write(beast::error_code ec) {
        if (ec || timed_out_) return fail(ec, "write");
        http::async_read(stream_, buffer_, parser_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
            self->on_read(ec);
        });
    }

    void on_read(beast::error_code ec) {
        if (ec) return fail(ec, "read");
        HttpOutcome outcome;
        outcome.id = request_.id;
        outcome.status = static_cast<int>(parser_.get().result_int());
        outcome.body = std::move(parser_.get().body());
        finish(std::move(outcome));
    }

    void fail(beast::error_code ec, const char* what) {
        HttpOutcome outcome;
        outcome.id = request_.id;
        if (timed_out_) {
            outcome.error = "no answer from " + request_.host + ":" + request_.port + " within " +
                            std::to_string(request_.timeout.count()) + " ms";
        } else if (ec == http::error::body_limit) {
            outcome.error = "answer from " + request_.host + ":" + request_.port + " is too large";
        } else {
            outcome.error = std::string(what) + " " + request_.host + ":" + request_.port + ": " + ec.message();
        }
        finish(std::move(outcome));
    }

    void finish(HttpOutcome outcome) {
        if (deadline_) deadline_->cancel();
        beast::error_code ignored;
        stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
        if (done_) std::exchange(done_, nullptr)(std::move(outcome));
    }

    tcp::resolver resolver_;
    beast::tcp_stream stream_;
    std::optional<asio::steady_timer> deadline_;
    HttpRequest request_;
    http::request<http::string_body> outgoing_;
    beast::flat_buffer buffer_;
    http::response_parser<http::string_body> parser_;
    Done done_;
    bool timed_out_ = false;
};

}  // namespace

bool parse_http_url(std::string_view text, HttpRequest& request, std::string& error) {
    const auto url = net::parse_http_url(text);
    if (!url || url->secure) {
        error = "'" + std::string(text) + "' is not an http://HOST[:PORT]/path URL";
        return false;
    }
    request.host = url->host;  // an IPv6 literal comes bare, as the resolver wants it
    request.port = url->port;
    request.target = url->target;
    return true;
}

struct HttpWorker::Impl {
    Impl(std::size_t capacity, std::size_t body_limit)
        : max_in_flight(capacity), max_body(body_limit), requests(capacity), outcomes(capacity),
          wake_fd(io, ::dup(wake.fd())), guard(io.get_executor()) {
        wait_for_wake();
        thread = std::thread([this] { io.run(); });
    }

    void wait_for_wake() {
        wake_fd.async_wait(asio::posix::stream_descriptor::wait_read, [this](beast::error_code ec) {
            if (ec) return;
            wake.consume();
            requests.consume_all([this](const HttpRequest& request) {
                std::make_shared<HttpExchange>(io, request, max_body, [this](HttpOutcome outcome) {
                    // Cannot fail: at most max_in_flight outcomes exist at once.
                    outcomes.push(std::move(outcome));
                })->start();
            });
            wait_for_wake();
        });
    }

    const std::size_t max_in_flight, max_body;
    asio::io_context io;
    WakeSignal wake;
    boost::lockfree::spsc_queue<HttpRequest> requests;
    boost::lockfree::spsc_queue<HttpOutcome> outcomes;
    std::size_t in_flight = 0;  // the owner's thread only: submitted, not yet polled
    asio::posix::stream_descriptor wake_fd;
    asio::executor_work_guard<asio::io_context::executor_type> guard;
    std::thread thread;
};

HttpWorker::HttpWorker(std::size_t max_in_flight, std::size_t max_body)
    : impl_(std::make_unique<Impl>(max_in_flight, max_body)) {}

HttpWorker::~HttpWorker() {
    impl_->io.stop();  // thread-safe; handlers in flight are abandoned
    impl_->thread.join();
}

bool HttpWorker::submit(const HttpRequest& request) {
    if (impl_->in_flight >= impl_->max_in_flight || !impl_->requests.push(request)) return false;
    ++impl_->in_flight;
    impl_->wake.notify();
    return true;
}

bool HttpWorker::poll(HttpOutcome& out) {
    const bool got = impl_->outcomes.consume_one([&](HttpOutcome& outcome) { out = std::move(outcome); });
    if (got) --impl_->in_flight;
    return got;
}

HttpOutcome HttpWorker::fetch_now(const HttpRequest& request, std::size_t max_body) {
    asio::io_context io;
    HttpOutcome result;
    std::make_shared<HttpExchange>(io, request, max_body, [&](HttpOutcome outcome) {
        result = std::move(outcome);
    })->start();
    io.run();
    return result;
}

}  // namespace tickwire::game::fleet::detail
