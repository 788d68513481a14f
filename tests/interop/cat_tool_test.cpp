// tickwire-cat as a separate process: stdin lines out, messages back on
// stdout, events on stderr (merged into one pipe here, where their order is
// fixed: "connected" before any message, "closed" after the last), exit status.

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "child_process.hpp"
#include "interop_support.hpp"

namespace tickwire::test {
namespace {

std::string lines_of(const std::vector<std::string>& lines) {
    std::string text;
    for (const auto& line : lines) text += "  | " + line + "\n";
    return text;
}

// The next `count` lines (fewer if 10 s pass without one).
std::vector<std::string> read_lines(ChildProcess& child, std::size_t count) {
    std::vector<std::string> lines;
    while (lines.size() < count) {
        auto line = child.read_line(10s);
        if (!line) break;
        lines.push_back(std::move(*line));
    }
    return lines;
}

ChildProcess start_echo(std::uint16_t& port) {
    ChildProcess echo = ChildProcess::start({TICKWIRE_ECHO_PATH, "--port", "0"});
    port = 0;
    read_listening_port(echo, port);
    return echo;
}

ChildProcess start_cat(std::vector<std::string> args) {
    args.insert(args.begin(), TICKWIRE_CAT_PATH);
    return ChildProcess::start(std::move(args), {.merge_stderr = true});
}

std::string decode_hex(std::string_view hex) {
    std::string bytes;
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
        bytes += static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16));
    }
    return bytes;
}

TEST(CatTool, SendsEachStdinLineAndPrintsTheEchoesAsTextOrHex) {
    std::uint16_t port = 0;
    ChildProcess echo = start_echo(port);
    ASSERT_NE(port, 0);
    ChildProcess cat = start_cat({"ws://127.0.0.1:" + std::to_string(port) + "/cat"});
    // Empty line, UTF-8, control bytes, invalid UTF-8, and a last line
    // without its newline, which goes out only at EOF.
    ASSERT_TRUE(cat.write_stdin("hello\n\nw\xc3\xb6rld\n\x01\x02\n\xff\xfe\nlast"));
    const std::vector<std::string> expected{"connected", "hello", "", "w\xc3\xb6rld", "0102", "fffe"};
    EXPECT_EQ(read_lines(cat, expected.size()), expected);

    // EOF sends the last line and closes with 1000. The echo of "last" is
    // lost: the echo server's network thread answers the close frame before
    // its game loop has sent the echo (as any server that answers close
    // frames by itself would).
    cat.close_stdin();
    const auto rest = cat.read_remaining_lines(15s);
    ASSERT_FALSE(rest.empty());
    EXPECT_EQ(rest.back(), "closed 1000 ") << lines_of(rest);
    EXPECT_EQ(cat.wait(5s), 0);
}

TEST(CatTool, HexFlagPrintsEveryMessageAsHex) {
    std::uint16_t port = 0;
    ChildProcess echo = start_echo(port);
    ASSERT_NE(port, 0);
    ChildProcess cat = start_cat({"ws://127.0.0.1:" + std::to_string(port) + "/", "--hex"});
    ASSERT_TRUE(cat.write_stdin("AB\n"));
    const std::vector<std::string> expected{"connected", "4142"};
    EXPECT_EQ(read_lines(cat, expected.size()), expected);
    cat.close_stdin();
    EXPECT_EQ(cat.read_remaining_lines(15s), std::vector<std::string>{"closed 1000 "});
    EXPECT_EQ(cat.wait(5s), 0);
}

TEST(CatTool, ReportsARefusedConnectionAndExitsWithStatusOne) {
    // A port that was free a moment ago: bind, read it, close.
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    ASSERT_GE(fd, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length), 0);
    ::close(fd);

    ChildProcess cat = start_cat({"ws://127.0.0.1:" + std::to_string(ntohs(address.sin_port)) + "/"});
    const auto lines = cat.read_remaining_lines(15s);
    ASSERT_EQ(lines.size(), 2u) << lines_of(lines);
    EXPECT_TRUE(lines[0].starts_with("error: refused")) << lines_of(lines);
    EXPECT_TRUE(lines[1].starts_with("closed 1006")) << lines_of(lines);
    EXPECT_EQ(cat.wait(5s), 1);
}

TEST(CatTool, RejectsABadCommandLineWithStatusTwo) {
    ChildProcess cat = start_cat({"--no-such-option"});
    const auto lines = cat.read_remaining_lines(5s);
    ASSERT_FALSE(lines.empty());
    EXPECT_EQ(lines[0], "tickwire-cat: unknown option --no-such-option");
    EXPECT_EQ(cat.wait(5s), 2);
}

// --subprotocol and --header reach a server nobody here wrote (npm ws), which
// reports the upgrade request it saw in its first message.
TEST(CatTool, OffersSubprotocolsAndHeadersToANodeWsServer) {
    if (const auto why = node_ws_unavailable(); !why.empty()) GTEST_SKIP() << why;
    ChildProcess server = ChildProcess::start(
        {kNodePath, peers_dir() + "/ws_echo_server.js", "--protocols", "tickwire.v1,tickwire.v0"});
    std::uint16_t port = 0;
    ASSERT_TRUE(read_listening_port(server, port));

    ChildProcess cat = start_cat({"ws://127.0.0.1:" + std::to_string(port) + "/info?room=7", "--subprotocol",
                                  "tickwire.v2", "--subprotocol", "tickwire.v1", "--header",
                                  "X-Tickwire-Token: abc123"});
    const auto connected = cat.read_line(10s);
    ASSERT_EQ(connected, "connected (subprotocol tickwire.v1)");
    // The report has newlines, so cat prints it as hex.
    const auto report = cat.read_line(10s);
    ASSERT_TRUE(report.has_value());
    const std::string info = decode_hex(*report);
    EXPECT_NE(info.find("path=/info?room=7\n"), std::string::npos) << info;
    EXPECT_NE(info.find("protocol=tickwire.v1\n"), std::string::npos) << info;
    EXPECT_NE(info.find("h.x-tickwire-token=abc123\n"), std::string::npos) << info;

    cat.close_stdin();
    const auto rest = cat.read_remaining_lines(10s);
    ASSERT_EQ(rest.size(), 1u) << lines_of(rest);
    EXPECT_TRUE(rest[0].starts_with("closed 1000")) << rest[0];
    EXPECT_EQ(cat.wait(5s), 0);
}

}  // namespace
}  // namespace tickwire::test
