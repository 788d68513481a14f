#include <gtest/gtest.h>

#include "url.hpp"

namespace tickwire::net::detail {
namespace {

TEST(WsUrl, ParsesHostPortPathAndQuery) {
    const auto url = parse_ws_url("ws://example.org:7777/room/ABCD?name=bob");
    ASSERT_TRUE(url);
    EXPECT_FALSE(url->secure);
    EXPECT_EQ(url->host, "example.org");
    EXPECT_EQ(url->port, "7777");
    EXPECT_EQ(url->target, "/room/ABCD?name=bob");
}

TEST(WsUrl, DefaultsPortAndPath) {
    const auto url = parse_ws_url("wss://example.org");
    ASSERT_TRUE(url);
    EXPECT_TRUE(url->secure);
    EXPECT_EQ(url->port, "443");
    EXPECT_EQ(url->target, "/");
    EXPECT_EQ(parse_ws_url("ws://h?x=1")->target, "/?x=1");
}

TEST(WsUrl, AcceptsBracketedIpv6) {
    const auto url = parse_ws_url("ws://[::1]:9000/a");
    ASSERT_TRUE(url);
    EXPECT_EQ(url->host, "::1");
    EXPECT_EQ(url->port, "9000");
}

TEST(WsUrl, RejectsMalformedUrls) {
    for (const char* bad : {"http://x/", "ws://", "ws://:80/", "ws://h:0/", "ws://h:99999/", "ws://h:12ab/",
                            "ws://[::1/", "ws://user@h/", "", "ws:/h"})
        EXPECT_FALSE(parse_ws_url(bad)) << bad;
}

}  // namespace
}  // namespace tickwire::net::detail
