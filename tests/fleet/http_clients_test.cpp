// The HTTP clients of the fleet against a fake HTTP server on loopback:
// matchmaking (what clients and bots ask) and the Agones SDK's REST calls.
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <set>
#include <thread>

#include "fake_http_server.hpp"
#include "redis_server.hpp"
#include "tickwire/game/fleet/agones_client.hpp"
#include "tickwire/game/fleet/match_client.hpp"

namespace tickwire::game::fleet {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

template <class Client, class Reply>
bool poll_until(Client& client, Reply& reply, std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline) {
        if (client.poll(reply)) return true;
        std::this_thread::sleep_for(1ms);
    }
    return false;
}

constexpr std::string_view kAnswer =
    R"({"url":"ws://10.0.0.2:7777/room/ABC?ticket=T0k","room":"ABC","process":"p2","ticket":"T0k","expires_ms":1,"new_room":true})";

TEST(MatchClient, AsksWithoutBlockingAndReturnsTheWebSocketUrl) {
    test::FakeHttpServer server([](const test::RecordedRequest&) {
        return test::FakeResponse{200, std::string(kAnswer)};
    });
    MatchmakingClient client;
    const auto asked = Clock::now();
    const std::uint64_t id = client.ask(server.url("/match/auto"));
    // ask() only queues: it returns long before any network round trip could.
    EXPECT_LT(Clock::now() - asked, 50ms);
    ASSERT_NE(id, 0u);
    MatchReply reply;
    ASSERT_TRUE(poll_until(client, reply, 5s));
    EXPECT_EQ(reply.request, id);
    ASSERT_TRUE(reply.ok) << reply.error;
    EXPECT_EQ(reply.ws_url, "ws://10.0.0.2:7777/room/ABC?ticket=T0k");
    EXPECT_EQ(reply.room, "ABC");
    EXPECT_EQ(reply.process_id, "p2");
    EXPECT_EQ(reply.ticket, "T0k");
    ASSERT_EQ(server.requests().size(), 1u);
    EXPECT_EQ(server.requests()[0].method, "GET");
    EXPECT_EQ(server.requests()[0].target, "/match/auto");
}

TEST(MatchClient, Reports503WithTheServersReason) {
    test::FakeHttpServer server([](const test::RecordedRequest&) {
        return test::FakeResponse{503, R"({"error":"room directory unavailable"})"};
    });
    const MatchReply reply = fetch_match(server.url("/match/XYZ"), 5s);
    EXPECT_FALSE(reply.ok);
    EXPECT_EQ(reply.http_status, 503);
    EXPECT_EQ(reply.error, "matchmaking answered 503: room directory unavailable");
}

TEST(MatchClient, RefusesAnswersThatAreNotMatchmakingAnswers) {
    EXPECT_TRUE(read_match_answer(200, kAnswer).ok);
    for (std::string_view body :
         {"", "not json", "[]", "{}", R"({"url":"http://x/","room":"a","process":"p","ticket":"t"})",
          R"({"url":5,"room":"a","process":"p","ticket":"t"})", R"({"url":"ws://x/","room":"a","process":"p"})"}) {
        const MatchReply reply = read_match_answer(200, body);
        EXPECT_FALSE(reply.ok) << body;
        EXPECT_FALSE(reply.error.empty()) << body;
    }
    const std::string huge_url = R"({"url":"ws://)" + std::string(5000, 'x') + R"(","room":"a","process":"p","ticket":"t"})";
    EXPECT_FALSE(read_match_answer(200, huge_url).ok);
    EXPECT_EQ(read_match_answer(500, "<html>").error, "matchmaking answered 500");
}

TEST(MatchClient, GivesUpOnAServerThatNeverAnswers) {
    test::FakeHttpServer server([](const test::RecordedRequest&) { return std::nullopt; });
    MatchmakingClient client(MatchmakingClient::Config{300ms, 4});
    ASSERT_NE(client.ask(server.url("/match/auto")), 0u);
    MatchReply reply;
    ASSERT_TRUE(poll_until(client, reply, 5s));
    EXPECT_FALSE(reply.ok);
    EXPECT_EQ(reply.http_status, 0);
    EXPECT_NE(reply.error.find("no answer"), std::string::npos) << reply.error;
}

TEST(MatchClient, ReportsARefusedConnectionAndABadUrl) {
    const std::uint16_t closed_port = test::free_loopback_port();
    MatchmakingClient client;
    const std::uint64_t refused = client.ask("http://127.0.0.1:" + std::to_string(closed_port) + "/match/auto");
    const std::uint64_t bad = client.ask("ftp://example/match");
    ASSERT_NE(refused, 0u);
    ASSERT_NE(bad, 0u);
    std::map<std::uint64_t, MatchReply> replies;
    MatchReply reply;
    while (replies.size() < 2 && poll_until(client, reply, 5s)) replies[reply.request] = reply;
    ASSERT_EQ(replies.size(), 2u);
    EXPECT_NE(replies[refused].error.find("connect"), std::string::npos) << replies[refused].error;
    EXPECT_NE(replies[bad].error.find("not an http://"), std::string::npos) << replies[bad].error;
    EXPECT_TRUE(is_matchmaking_url("http://h:1/match/auto"));
    EXPECT_FALSE(is_matchmaking_url("ws://h:1/room/a"));
}

TEST(MatchClient, RefusesMoreRequestsThanItMayHaveInFlight) {
    test::FakeHttpServer server([](const test::RecordedRequest&) { return std::nullopt; });
    MatchmakingClient client(MatchmakingClient::Config{5000ms, 2});
    EXPECT_NE(client.ask(server.url("/match/a")), 0u);
    EXPECT_NE(client.ask(server.url("/match/b")), 0u);
    EXPECT_EQ(client.ask(server.url("/match/c")), 0u);
}

TEST(AgonesClient, PostsReadyHealthAndShutdownToTheSidecar) {
    test::FakeHttpServer sidecar([](const test::RecordedRequest&) { return test::FakeResponse{200, "{}"}; });
    AgonesClient agones(AgonesConfig{"127.0.0.1", sidecar.port(), 2000ms});
    ASSERT_TRUE(agones.ready());
    ASSERT_TRUE(agones.health());
    ASSERT_TRUE(agones.shutdown());
    std::vector<AgonesResult> results;
    AgonesResult result;
    while (results.size() < 3 && poll_until(agones, result, 5s)) results.push_back(result);
    ASSERT_EQ(results.size(), 3u);
    for (const AgonesResult& r : results) EXPECT_TRUE(r.ok) << r.error;

    const auto requests = sidecar.requests();
    ASSERT_EQ(requests.size(), 3u);
    std::set<std::string> targets;
    for (const auto& request : requests) {
        EXPECT_EQ(request.method, "POST");
        EXPECT_EQ(request.body, "{}");
        EXPECT_EQ(request.content_type, "application/json");
        targets.insert(request.target);
    }
    EXPECT_EQ(targets, (std::set<std::string>{"/ready", "/health", "/shutdown"}));
}

TEST(AgonesClient, ReportsASidecarThatRefusesOrIsMissing) {
    test::FakeHttpServer sidecar([](const test::RecordedRequest&) { return test::FakeResponse{500, "oops"}; });
    AgonesClient failing(AgonesConfig{"127.0.0.1", sidecar.port(), 2000ms});
    ASSERT_TRUE(failing.ready());
    AgonesResult result;
    ASSERT_TRUE(poll_until(failing, result, 5s));
    EXPECT_FALSE(result.ok);
    EXPECT_EQ(result.call, AgonesCall::ready);
    EXPECT_EQ(result.error, "agones ready: sidecar answered 500");

    AgonesClient missing(AgonesConfig{"127.0.0.1", test::free_loopback_port(), 2000ms});
    ASSERT_TRUE(missing.health());
    ASSERT_TRUE(poll_until(missing, result, 5s));
    EXPECT_FALSE(result.ok);
    EXPECT_EQ(result.call, AgonesCall::health);
    EXPECT_NE(result.error.find("connect"), std::string::npos) << result.error;
}

TEST(AgonesClient, LearnsTheAddressPlayersReachItAt) {
    test::FakeHttpServer sidecar([](const test::RecordedRequest&) {
        return test::FakeResponse{200, R"({"object_meta":{"name":"tickwire-x"},"status":{"state":"Scheduled",)"
                                       R"("address":"203.0.113.9","ports":[{"name":"metrics","port":7001},)"
                                       R"({"name":"game","port":7654}]}})"};
    });
    AgonesClient agones(AgonesConfig{"127.0.0.1", sidecar.port(), 2000ms});
    ASSERT_TRUE(agones.game_server("game"));
    AgonesResult result;
    ASSERT_TRUE(poll_until(agones, result, 5s));
    ASSERT_TRUE(result.ok) << result.error;
    EXPECT_EQ(result.call, AgonesCall::game_server);
    EXPECT_EQ(result.address, "203.0.113.9");
    EXPECT_EQ(result.port, 7654);
    ASSERT_EQ(sidecar.requests().size(), 1u);
    EXPECT_EQ(sidecar.requests()[0].method, "GET");
    EXPECT_EQ(sidecar.requests()[0].target, "/gameserver");
}

TEST(AgonesClient, RefusesAGameServerAnswerWithoutAnAddressOrPort) {
    for (std::string_view body : {"", "[]", R"({"status":{}})", R"({"status":{"address":"","ports":[]}})",
                                  R"({"status":{"address":"a","ports":[]}})",
                                  R"({"status":{"address":"a","ports":[{"name":"game","port":70000}]}})",
                                  R"({"status":{"address":"a","ports":[{"name":"game","port":"7"}]}})"}) {
        AgonesResult result;
        read_game_server(body, "game", result);
        EXPECT_FALSE(result.ok) << body;
        EXPECT_FALSE(result.error.empty()) << body;
    }
    AgonesResult first;
    read_game_server(R"({"status":{"address":"h","ports":[{"name":"default","port":7100}]}})", "game", first);
    EXPECT_TRUE(first.ok) << first.error;
    EXPECT_EQ(first.port, 7100);
}

TEST(AgonesClient, TakesItsPortFromTheEnvironment) {
    ::setenv("AGONES_SDK_HTTP_PORT", "9444", 1);
    EXPECT_EQ(agones_config_from_environment().port, 9444);
    ::setenv("AGONES_SDK_HTTP_PORT", "nonsense", 1);
    EXPECT_EQ(agones_config_from_environment().port, 9358);
    ::unsetenv("AGONES_SDK_HTTP_PORT");
    EXPECT_EQ(agones_config_from_environment().port, 9358);
}

}  // namespace
}  // namespace tickwire::game::fleet
