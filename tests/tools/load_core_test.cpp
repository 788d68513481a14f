// tickwire-load's parsing and statistics, without sockets: what the load
// generator reports is only as good as these.
#include <gtest/gtest.h>

#include <stdexcept>
#include <vector>

#include "http_get.hpp"
#include "latency_histogram.hpp"
#include "load_options.hpp"
#include "proc_sample.hpp"
#include "server_window.hpp"

namespace tickwire::load {
namespace {

LoadOptions parse(std::vector<const char*> args) {
    args.insert(args.begin(), "tickwire-load");
    return parse_options(static_cast<int>(args.size()), args.data());
}

TEST(LoadOptions, SplitsAWebSocketUrlAndReadsEveryFlag) {
    const LoadOptions o = parse({"echo", "ws://127.0.0.1:9001/echo", "-c", "100", "-s", "512", "-r", "60", "-d", "3",
                                 "-w", "0.5", "--server-pid", "42", "--json"});
    EXPECT_EQ(o.mode, Mode::echo);
    EXPECT_EQ(o.host, "127.0.0.1");
    EXPECT_EQ(o.port, 9001);
    EXPECT_EQ(o.path, "/echo");
    EXPECT_EQ(o.connections, 100u);
    EXPECT_EQ(o.size, 512u);
    EXPECT_DOUBLE_EQ(o.rate, 60);
    EXPECT_DOUBLE_EQ(o.duration_s, 3);
    EXPECT_DOUBLE_EQ(o.warmup_s, 0.5);
    EXPECT_EQ(o.server_pid, 42);
    EXPECT_TRUE(o.json);
    EXPECT_EQ(o.status_url, "http://127.0.0.1:9001/status");
    EXPECT_EQ(o.ws_client, WsClient::lean);  // the default
    EXPECT_EQ(parse({"echo", "ws://127.0.0.1:9001/", "--ws-client", "beast"}).ws_client, WsClient::beast);
}

TEST(LoadOptions, RawModeTakesATcpUrl) {
    const LoadOptions o = parse({"raw", "tcp://127.0.0.1:9002", "--no-progress"});
    EXPECT_EQ(o.mode, Mode::raw);
    EXPECT_EQ(o.host, "127.0.0.1");
    EXPECT_EQ(o.port, 9002);
    EXPECT_FALSE(o.progress);
}

TEST(LoadOptions, HelpIsAskedForNotAnError) {
    EXPECT_TRUE(parse({"--help"}).help);
    EXPECT_TRUE(parse({"echo", "ws://127.0.0.1:1/", "-h"}).help);
    EXPECT_NE(usage().find("--connections"), std::string::npos);
}

TEST(LoadOptions, RejectsWhatItCannotRun) {
    EXPECT_THROW(parse({"echo"}), std::invalid_argument);                                  // no URL
    EXPECT_THROW(parse({"raw", "ws://127.0.0.1:1/"}), std::invalid_argument);              // raw wants tcp://
    EXPECT_THROW(parse({"echo", "tcp://127.0.0.1:1"}), std::invalid_argument);             // echo wants ws://
    EXPECT_THROW(parse({"echo", "ws://127.0.0.1:1/", "-s", "8"}), std::invalid_argument);  // no room for the stamp
    EXPECT_THROW(parse({"echo", "ws://127.0.0.1:1/", "-c", "1.5"}), std::invalid_argument);
    EXPECT_THROW(parse({"monitor"}), std::invalid_argument);  // nothing to watch
    EXPECT_THROW(parse({"flood", "ws://127.0.0.1:1/"}), std::invalid_argument);
    EXPECT_THROW(parse({"echo", "wss://127.0.0.1:1/"}), std::invalid_argument);             // no TLS
    EXPECT_THROW(parse({"echo", "ws://127.0.0.1:1/", "-c", "ten"}), std::invalid_argument);
    EXPECT_THROW(parse({"echo", "ws://127.0.0.1:1/", "--no-such-flag"}), std::invalid_argument);
    EXPECT_THROW(parse({"echo", "ws://127.0.0.1:1/", "--ws-client", "asio"}), std::invalid_argument);
    EXPECT_THROW(parse({"echo", "ws://127.0.0.1:1/", "ws://127.0.0.1:2/"}), std::invalid_argument);  // two URLs
}

TEST(LatencyHistogram, PercentilesAreWithinTheBucketPrecisionAndNeverOptimistic) {
    LatencyHistogram h;
    for (std::int64_t v = 1; v <= 100000; ++v) h.record(v * 1000);  // 1 us .. 100 ms
    EXPECT_EQ(h.count(), 100000u);
    EXPECT_EQ(h.min(), 1000);
    EXPECT_EQ(h.max(), 100000000);
    for (const double q : {0.5, 0.9, 0.99, 0.999}) {
        const double exact = q * 100000 * 1000;
        EXPECT_GE(static_cast<double>(h.quantile(q)), exact) << q;
        EXPECT_LE(static_cast<double>(h.quantile(q)), exact * 1.017) << q;
    }
    EXPECT_EQ(h.quantile(1.0), h.max());
}

TEST(LatencyHistogram, BucketsCoverEveryValueInOrder) {
    int last = -1;
    for (std::int64_t v = 0; v < (std::int64_t{1} << 20); v = v * 2 + 1) {
        const int b = LatencyHistogram::bucket_of(v);
        EXPECT_GT(b, last);
        EXPECT_GE(LatencyHistogram::bucket_upper(b), v);
        last = b;
    }
    EXPECT_EQ(LatencyHistogram::bucket_of(-5), 0);
    EXPECT_EQ(LatencyHistogram::bucket_of(INT64_MAX), LatencyHistogram::kBuckets - 1);
}

TEST(ProcStat, ReadsCpuTimesAfterACommandNameWithSpacesAndParentheses) {
    // Fields after the name: state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime ...
    const std::string stat = "123 (node (x) y) S 1 2 3 4 5 6 7 8 9 10 250 50 0 0 20 0 7 0 100 0";
    ProcSample s;
    ASSERT_TRUE(parse_proc_stat(stat, 100, s));
    EXPECT_DOUBLE_EQ(s.user_s, 2.5);
    EXPECT_DOUBLE_EQ(s.system_s, 0.5);
    EXPECT_EQ(s.threads, 7u);
    EXPECT_FALSE(parse_proc_stat("garbage", 100, s));
}

TEST(SsOutput, SumsTheCountersOfEverySocket) {
    const std::string text =
        "0 0 127.0.0.1:9101 127.0.0.1:1\n\t bbr rtt:0.05/0.08 bytes_sent:100 bytes_acked:100 bytes_received:40 "
        "segs_out:3 segs_in:2\n"
        "0 0 127.0.0.1:9101 127.0.0.1:2\n\t bbr rtt:0.05/0.08 bytes_sent:50 bytes_acked:50 bytes_received:10 "
        "segs_out:1 segs_in:4 minrtt:0.004\n";
    const TcpCounters c = parse_ss_output(text);
    EXPECT_EQ(c.sockets, 2u);  // "minrtt:" is not a socket
    EXPECT_EQ(c.bytes_sent, 150u);
    EXPECT_EQ(c.bytes_received, 50u);
    EXPECT_EQ(c.segments_out, 4u);
    EXPECT_EQ(c.segments_in, 6u);
}

TEST(JsonNumber, ReadsNumbersOfAStatusObjectAndNothingElse) {
    const auto json = json_object(R"({"players":64,"tick_p99_ms":0.125,"superseded":0,"label":"7","tick":{"p":1}})");
    ASSERT_TRUE(json);
    EXPECT_EQ(json_number(*json, "players"), 64);
    EXPECT_EQ(json_number(*json, "tick_p99_ms"), 0.125);
    EXPECT_EQ(json_number(*json, "superseded"), 0);
    EXPECT_FALSE(json_number(*json, "tick_p99").has_value()) << "keys match whole, not by prefix";
    EXPECT_FALSE(json_number(*json, "label").has_value()) << "a string is not a number";
    EXPECT_FALSE(json_number(*json, "tick").has_value());
    EXPECT_FALSE(json_object(R"({"players":64)").has_value()) << "truncated";
    EXPECT_FALSE(json_object("[1,2]").has_value()) << "not an object";
}

TEST(HttpGet, RefusesWhatItCannotFetch) {
    EXPECT_FALSE(http_get("ws://127.0.0.1:1/status"));
    EXPECT_FALSE(http_get("https://127.0.0.1:1/status")) << "no TLS in the load tool";
    EXPECT_FALSE(http_get("http://127.0.0.1:1/status")) << "nothing listens on port 1";
}

}  // namespace
}  // namespace tickwire::load
