#include <gtest/gtest.h>

#include "tickwire/net/url.hpp"

namespace tickwire::net {
namespace {

TEST(Url, ParsesHostPortPathAndQuery) {
    const auto url = parse_ws_url("ws://example.org:7777/room/ABCD?name=bob");
    ASSERT_TRUE(url);
    EXPECT_FALSE(url->secure);
    EXPECT_EQ(url->host, "example.org");
    EXPECT_EQ(url->port, "7777");
    EXPECT_EQ(url->target, "/room/ABCD?name=bob");
}

TEST(Url, DefaultsPortAndPath) {
    const auto url = parse_ws_url("wss://example.org");
    ASSERT_TRUE(url);
    EXPECT_TRUE(url->secure);
    EXPECT_EQ(url->port, "443");
    EXPECT_EQ(url->target, "/");
    EXPECT_EQ(parse_ws_url("ws://h?x=1")->target, "/?x=1");
}

TEST(Url, AcceptsBracketedIpv6) {
    const auto url = parse_ws_url("ws://[::1]:9000/a");
    ASSERT_TRUE(url);
    EXPECT_EQ(url->host, "::1");
    EXPECT_EQ(url->port, "9000");
}

TEST(Url, RejectsMalformedUrls) {
    for (const char* bad : {"http://x/", "ws://", "ws://:80/", "ws://h:0/", "ws://h:99999/", "ws://h:12ab/",
                            "ws://[::1/", "ws://user@h/", "", "ws:/h"})
        EXPECT_FALSE(parse_ws_url(bad)) << bad;
}

TEST(Url, HttpUrlsFollowTheSameRules) {
    const auto url = parse_http_url("http://127.0.0.1:8080/status?x=1#top");
    ASSERT_TRUE(url);
    EXPECT_FALSE(url->secure);
    EXPECT_EQ(url->host, "127.0.0.1");
    EXPECT_EQ(url->port, "8080");
    EXPECT_EQ(url->target, "/status?x=1");
    EXPECT_EQ(parse_http_url("HTTPS://example.org")->port, "443");
    EXPECT_FALSE(parse_http_url("ws://example.org/")) << "each parser takes its own schemes only";
    EXPECT_FALSE(parse_ws_url("http://example.org/"));
    EXPECT_FALSE(parse_http_url("http://h:70000/"));
}

TEST(Url, RedisUrlsFollowTheSameRulesWithTheirOwnDefaultPort) {
    const auto url = parse_redis_url("redis://10.0.0.5");
    ASSERT_TRUE(url);
    EXPECT_FALSE(url->secure);
    EXPECT_EQ(url->host, "10.0.0.5");
    EXPECT_EQ(url->port, "6379");
    EXPECT_EQ(url->target, "/");
    EXPECT_EQ(parse_redis_url("REDIS://[::1]:7000/")->host, "::1");
    EXPECT_TRUE(parse_redis_url("rediss://cache.example:6380")->secure);
    EXPECT_EQ(parse_redis_url("redis://h/2")->target, "/2") << "a database number is the caller's to refuse";
    for (const char* bad : {"redis://", "redis://user:pw@h/", "redis://h:0", "http://h/", "redis:/h"})
        EXPECT_FALSE(parse_redis_url(bad)) << bad;
}

TEST(Url, SplitsATargetIntoPathAndQuery) {
    EXPECT_EQ(split_target("/room/ABCD?name=bob"), std::make_pair(std::string_view("/room/ABCD"), std::string_view("name=bob")));
    EXPECT_EQ(split_target("/rooms"), std::make_pair(std::string_view("/rooms"), std::string_view()));
}

TEST(Url, FindsAValueInAQueryByItsWholeKey) {
    EXPECT_EQ(query_value("ticket=abc", "ticket"), "abc");
    EXPECT_EQ(query_value("name=x&ticket=a-b_c&z=1", "ticket"), "a-b_c");
    EXPECT_EQ(query_value("xticket=no&ticket=", "ticket"), "") << "a longer key is another key";
    EXPECT_EQ(query_value("name=ticket=no", "ticket"), "");
    EXPECT_EQ(query_value("all=1&all=0", "all"), "1") << "the first of a repeated key";
    EXPECT_EQ(query_value("all", "all"), "") << "a key without '=' has no value";
    EXPECT_EQ(query_value("", "ticket"), "");
}

}  // namespace
}  // namespace tickwire::net
