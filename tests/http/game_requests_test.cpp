// GameRequests and the answer codec, without sockets: what crosses the command
// queue, which paths a route covers, and the bound on waiting requests.

#include "http/game_requests.hpp"

#include <gtest/gtest.h>

#include <array>
#include <string>

namespace tickwire::net::http {
namespace {

TEST(GameAnswerCodec, RoundTripsTypeHeadersAndABodyWithNuls) {
    const std::array headers = {HttpHeader{"Cache-Control", "no-store"}, HttpHeader{"X-Ticket", ""}};
    const std::string body("a\0b\0\0c", 6);
    const Message encoded = encode_answer("application/json", headers, body);
    ASSERT_TRUE(encoded);
    const auto decoded = decode_answer(201, encoded);
    ASSERT_TRUE(decoded);
    EXPECT_EQ(decoded->status, 201u);
    EXPECT_EQ(decoded->content_type, "application/json");
    ASSERT_EQ(decoded->headers.size(), 2u);
    EXPECT_EQ(decoded->headers[0], (std::pair<std::string, std::string>{"Cache-Control", "no-store"}));
    EXPECT_EQ(decoded->headers[1], (std::pair<std::string, std::string>{"X-Ticket", ""}));
    EXPECT_EQ(decoded->body, body);
}

TEST(GameAnswerCodec, EmptyBodyAndNoHeaders) {
    const auto decoded = decode_answer(204, encode_answer("text/plain", {}, ""));
    ASSERT_TRUE(decoded);
    EXPECT_TRUE(decoded->headers.empty());
    EXPECT_TRUE(decoded->body.empty());
}

TEST(GameAnswerCodec, RefusesFieldsThatWouldSplitTheResponse) {
    const std::array injected = {HttpHeader{"X-A", "1\r\nSet-Cookie: x=1"}};
    EXPECT_FALSE(encode_answer("text/plain", injected, "body"));
    const std::array bad_name = {HttpHeader{"X\nB", "1"}};
    EXPECT_FALSE(encode_answer("text/plain", bad_name, "body"));
    const std::array empty_name = {HttpHeader{"", "1"}};
    EXPECT_FALSE(encode_answer("text/plain", empty_name, "body"));
    EXPECT_FALSE(encode_answer(std::string_view("text/plain\0x", 12), {}, "body"));
    EXPECT_FALSE(decode_answer(200, Message::copy_of(std::string_view("no terminator"))));
    EXPECT_FALSE(decode_answer(200, Message::copy_of(std::string_view("type\0name-without-value", 23))));
}

TEST(GameRoutes, CoverThePrefixAndWhatIsBelowItAtASlash) {
    EXPECT_TRUE(under_route("/match", "/match"));
    EXPECT_TRUE(under_route("/match/auto", "/match"));
    EXPECT_TRUE(under_route("/match/ABCD/x", "/match"));
    EXPECT_FALSE(under_route("/matches", "/match"));
    EXPECT_FALSE(under_route("/", "/match"));
    EXPECT_TRUE(under_route("/api/x", "/api/"));
    EXPECT_FALSE(under_route("/api", "/api/"));
    EXPECT_FALSE(under_route("/anything", ""));
}

TEST(GameRequests, AnswerRunsTheCallbackOnceAndForgetDropsIt) {
    GameRequests requests(4);
    int answered = 0;
    std::string body;
    const HttpRequestId first = requests.add([&](GameAnswer&& answer) {
        ++answered;
        body = answer.body;
    });
    const HttpRequestId second = requests.add([&](GameAnswer&&) { ++answered; });
    ASSERT_NE(first, 0u);
    ASSERT_NE(second, 0u);
    EXPECT_NE(first, second);
    EXPECT_TRUE(requests.answer(first, {.status = 200, .content_type = "text/plain", .headers = {}, .body = "hi"}));
    EXPECT_FALSE(requests.answer(first, {}));  // answered already
    requests.forget(second);
    EXPECT_FALSE(requests.answer(second, {}));  // timed out or its client left: a late answer is dropped
    EXPECT_EQ(answered, 1);
    EXPECT_EQ(body, "hi");
    EXPECT_EQ(requests.waiting(), 0u);
}

TEST(GameRequests, RefusesBeyondItsCapacityUntilOneEnds) {
    GameRequests requests(2);
    const HttpRequestId a = requests.add([](GameAnswer&&) {});
    ASSERT_NE(requests.add([](GameAnswer&&) {}), 0u);
    EXPECT_EQ(requests.add([](GameAnswer&&) {}), 0u);
    requests.forget(a);
    EXPECT_NE(requests.add([](GameAnswer&&) {}), 0u);
}

TEST(GameRequests, AnswerAllReachesEveryWaitingRequest) {
    GameRequests requests(8);
    std::vector<unsigned> statuses;
    for (int i = 0; i < 3; ++i) ASSERT_NE(requests.add([&](GameAnswer&& answer) { statuses.push_back(answer.status); }), 0u);
    requests.answer_all({.status = 503, .content_type = "text/plain", .headers = {}, .body = "stopping"});
    EXPECT_EQ(statuses, (std::vector<unsigned>{503, 503, 503}));
    EXPECT_EQ(requests.waiting(), 0u);
}

}  // namespace
}  // namespace tickwire::net::http
