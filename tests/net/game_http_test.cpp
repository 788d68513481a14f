// HTTP GETs the game answers itself (ServerOptions::http_routes,
// ServerEventType::http_request, Server::respond) over real sockets: the test
// body plays the game thread, a helper thread plays the HTTP client.
#include <gtest/gtest.h>

#include <array>
#include <future>

#include "raw_http.hpp"
#include "test_support.hpp"

namespace tickwire::net::test {
namespace {

Server listen_with_routes(std::chrono::milliseconds timeout = 5000ms, std::size_t max_pending = 64) {
    ServerOptions options;
    options.http_routes = {"/match", "/metrics"};
    options.http_answer_timeout = timeout;
    options.max_pending_http_requests = max_pending;
    return listen_local(options);
}

/// GET `target` on a thread of its own: the game thread must stay free to answer.
std::future<RawAnswer> get_async(const Server& server, std::string target) {
    return std::async(std::launch::async, [port = server.port(), target] { return fetch(port, "GET", target); });
}

TEST(GameHttp, TheGameAnswersARoutedGet) {
    Server server = listen_with_routes();
    auto answer = get_async(server, "/match/auto?region=eu");
    ServerEvent request;
    ASSERT_TRUE(next_event(server, ServerEventType::http_request, request));
    EXPECT_NE(request.id, 0u);
    EXPECT_EQ(request.path(), "/match/auto");
    EXPECT_EQ(request.query(), "region=eu");
    EXPECT_TRUE(request.remote_address().starts_with("127.0.0.1:")) << request.remote_address();
    const std::array headers = {HttpHeader{"Cache-Control", "no-store"}, HttpHeader{"X-Ticket", "abc"}};
    ASSERT_TRUE(server.respond(request.id, 200, "application/json", R"({"url":"ws://x"})", headers));
    server.flush();
    const RawAnswer got = answer.get();
    EXPECT_EQ(got.status, 200u);
    EXPECT_EQ(got.body, R"({"url":"ws://x"})");
    EXPECT_EQ(got.header("Content-Type"), "application/json");
    EXPECT_EQ(got.header("Content-Length"), "16");
    EXPECT_EQ(got.header("X-Ticket"), "abc");
    EXPECT_EQ(got.header("Cache-Control"), "no-store");
    EXPECT_EQ(server.stats().http_requests, 1u);
    EXPECT_EQ(server.stats().http_requests_unanswered, 0u);
}

TEST(GameHttp, AnswersMayComeLaterAndInAnyOrder) {
    Server server = listen_with_routes();
    auto first = get_async(server, "/metrics");
    ServerEvent a;
    ASSERT_TRUE(next_event(server, ServerEventType::http_request, a));
    auto second = get_async(server, "/match/ABCD");
    ServerEvent b;
    ASSERT_TRUE(next_event(server, ServerEventType::http_request, b));
    // The game answers the second first, a frame later, from a body another thread made.
    std::string body = std::async(std::launch::async, [] { return std::string("room ABCD"); }).get();
    ASSERT_TRUE(server.respond(b.id, 404, "text/plain", body));
    server.flush();
    EXPECT_EQ(second.get().status, 404u);
    EXPECT_EQ(first.wait_for(0s), std::future_status::timeout);  // still waiting for its own answer
    ASSERT_TRUE(server.respond(a.id, 200, "text/plain; version=0.0.4", "players 3\n"));
    server.flush();
    const RawAnswer metrics = first.get();
    EXPECT_EQ(metrics.status, 200u);
    EXPECT_EQ(metrics.body, "players 3\n");
}

TEST(GameHttp, NoAnswerWithinTheTimeoutIs503AndALateAnswerIsDropped) {
    Server server = listen_with_routes(300ms);
    const auto start = std::chrono::steady_clock::now();
    auto answer = get_async(server, "/match/auto");
    ServerEvent request;
    ASSERT_TRUE(next_event(server, ServerEventType::http_request, request));
    const RawAnswer got = answer.get();  // the game never answers
    EXPECT_EQ(got.status, 503u);
    EXPECT_EQ(got.header("Retry-After"), "1");
    EXPECT_GE(std::chrono::steady_clock::now() - start, 300ms);
    EXPECT_EQ(server.stats().http_requests_unanswered, 1u);
    // Too late: dropped on the network thread, and the server carries on.
    ASSERT_TRUE(server.respond(request.id, 200, "text/plain", "late"));
    server.flush();
    auto next = get_async(server, "/match/auto");
    ASSERT_TRUE(next_event(server, ServerEventType::http_request, request));
    ASSERT_TRUE(server.respond(request.id, 200, "text/plain", "on time"));
    server.flush();
    EXPECT_EQ(next.get().body, "on time");
}

TEST(GameHttp, TooManyWaitingIs503AtOnce) {
    Server server = listen_with_routes(5000ms, 2);
    auto a = get_async(server, "/match/1");
    auto b = get_async(server, "/match/2");
    std::vector<HttpRequestId> ids;
    ServerEvent event;
    ASSERT_TRUE(pump_until([&] {
        while (server.poll(event))
            if (event.type == ServerEventType::http_request) ids.push_back(event.id);
        return ids.size() == 2;
    }));
    const RawAnswer third = fetch(server.port(), "GET", "/match/3");  // no answer from us: net's own 503
    EXPECT_EQ(third.status, 503u);
    EXPECT_EQ(third.header("Retry-After"), "1");
    EXPECT_EQ(server.stats().http_requests, 2u);
    EXPECT_EQ(server.stats().http_requests_unanswered, 1u);
    for (const HttpRequestId id : ids) ASSERT_TRUE(server.respond(id, 200, "text/plain", "ok"));
    server.flush();
    EXPECT_EQ(a.get().status, 200u);
    EXPECT_EQ(b.get().status, 200u);
}

TEST(GameHttp, AClientThatLeavesFreesItsPlace) {
    Server server = listen_with_routes(5000ms, 1);
    RawHttp leaving(server.port());
    leaving.request("GET", "/match/auto");
    ServerEvent first;
    ASSERT_TRUE(next_event(server, ServerEventType::http_request, first));
    leaving.close();
    // With one place, the next request reaches the game only once the first is forgotten.
    ServerEvent second;
    ASSERT_TRUE(pump_until([&] {
        auto attempt = get_async(server, "/match/auto");
        const bool handed = next_event(server, ServerEventType::http_request, second, 200ms);
        if (handed) {
            EXPECT_TRUE(server.respond(first.id, 200, "text/plain", "for nobody"));  // dropped
            EXPECT_TRUE(server.respond(second.id, 200, "text/plain", "for you"));
            server.flush();
            EXPECT_EQ(attempt.get().body, "for you");
            return true;
        }
        EXPECT_EQ(attempt.get().status, 503u);  // not forgotten yet: busy
        return false;
    }));
}

TEST(GameHttp, HeadGetsTheGamesHeadersWithoutTheBody) {
    Server server = listen_with_routes();
    auto answer = std::async(std::launch::async, [port = server.port()] { return fetch(port, "HEAD", "/metrics"); });
    ServerEvent request;
    ASSERT_TRUE(next_event(server, ServerEventType::http_request, request));
    ASSERT_TRUE(server.respond(request.id, 200, "text/plain", "twelve bytes"));
    server.flush();
    const RawAnswer got = answer.get();
    EXPECT_EQ(got.status, 200u);
    EXPECT_EQ(got.header("Content-Length"), "12");
    EXPECT_TRUE(got.body.empty());
}

TEST(GameHttp, NoContentAndNotModifiedGoWithoutABody) {
    Server server = listen_with_routes();
    for (const unsigned status : {204u, 304u}) {
        auto answer = get_async(server, "/metrics");
        ServerEvent request;
        ASSERT_TRUE(next_event(server, ServerEventType::http_request, request));
        ASSERT_TRUE(server.respond(request.id, status, "text/plain", "a body HTTP forbids here"));
        server.flush();
        const RawAnswer got = answer.get();
        EXPECT_EQ(got.status, status);
        EXPECT_TRUE(got.body.empty()) << got.body;
    }
}

TEST(GameHttp, OnlyRoutedPathsReachTheGame) {
    Server server = listen_with_routes();
    EXPECT_EQ(fetch(server.port(), "GET", "/matches").status, 426u);  // a prefix of a name is not a route
    EXPECT_EQ(fetch(server.port(), "POST", "/match/auto", "Content-Length: 0\r\n").status, 405u);
    EXPECT_EQ(server.stats().http_requests, 0u);
}

TEST(GameHttp, RespondRefusesAnAnswerThatWouldSplitTheResponse) {
    Server server = listen_with_routes();
    const std::array split = {HttpHeader{"X-A", "1\r\nSet-Cookie: evil=1"}};
    EXPECT_FALSE(server.respond(1, 200, "text/plain", "x", split));
    EXPECT_FALSE(server.respond(1, 101, "text/plain", "x"));
    const std::string huge(70000, 'v');  // past what an HTTP header can hold
    const std::array oversized = {HttpHeader{"X-Big", huge}};
    EXPECT_FALSE(server.respond(1, 200, "text/plain", "x", oversized));
    EXPECT_FALSE(server.respond(1, 600, "text/plain", "x"));
    EXPECT_FALSE(server.respond(0, 200, "text/plain", "x"));
}

}  // namespace
}  // namespace tickwire::net::test
