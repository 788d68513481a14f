// The chat example in a browser: tickwire-chat-server, a terminal user
// (tickwire-chat, as a process) and a browser user (the web build's
// chat.html, driven through its form by scripts/chat_driver.js) in one room.

#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <string_view>

#include "browser_page.hpp"
#include "child_process.hpp"
#include "interop_support.hpp"

namespace tickwire::test {
namespace {

// For a page's query: letters, digits and -._~ stay, the rest is %XX.
std::string url_encoded(std::string_view text) {
    std::string out;
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (std::isalnum(byte) || c == '-' || c == '.' || c == '_' || c == '~') {
            out += c;
        } else {
            char escaped[4];
            std::snprintf(escaped, sizeof escaped, "%%%02X", byte);
            out += escaped;
        }
    }
    return out;
}

// Reads `process`'s output until a line equal to `line` (at most 10 s); keeps what it read.
bool expect_line(ChildProcess& process, std::string_view line, std::string& seen) {
    const auto deadline = Clock::now() + 10s;
    while (Clock::now() < deadline && !process.stdout_closed()) {
        const auto next = process.read_line(100ms);
        if (!next) continue;
        seen += "  | " + *next + "\n";
        if (*next == line) return true;
    }
    return false;
}

TEST(BrowserChat, ATerminalUserAndABrowserUserChatInOneRoom) {
    ChildProcess server = ChildProcess::start({TICKWIRE_CHAT_SERVER_PATH, "--port", "0"});
    std::uint16_t port = 0;
    ASSERT_TRUE(read_listening_port(server, port));
    const std::string room = loopback_ws_url(port, "/lobby");

    ChildProcess terminal = ChildProcess::start({TICKWIRE_CHAT_CLIENT_PATH, room, "--name", "ann"});
    std::string terminal_saw;
    ASSERT_TRUE(expect_line(terminal, "* connected", terminal_saw)) << terminal_saw;

    // The terminal user answers once the browser user has spoken.
    bool terminal_heard_the_browser = false;
    PageHooks hooks;
    hooks.driver_script = TICKWIRE_CHAT_DRIVER;
    hooks.on_line = [&](const std::string& line) {
        if (line.find("CHAT said") == std::string::npos) return;
        terminal_heard_the_browser = expect_line(terminal, "web: hello from the browser", terminal_saw);
        terminal.write_stdin("hello from the terminal\n");
    };
    const PageRun run = run_page("chat.html?url=" + url_encoded(room) + "&name=web&say=" +
                                     url_encoded("hello from the browser") + "&expect=" +
                                     url_encoded("ann: hello from the terminal"),
                                 "chat", hooks);
    ASSERT_EQ(run.exit_status, 0) << run.transcript();
    EXPECT_TRUE(terminal_heard_the_browser) << terminal_saw;
    // The browser's list, as its user sees it (its own line comes back from the room too).
    EXPECT_EQ(run.field("messages"), "connected | web joined | web: hello from the browser | ann: hello from the terminal");
    EXPECT_NE(terminal_saw.find("* web joined"), std::string::npos) << terminal_saw;

    // The terminal user leaves with Ctrl-D: a clean close, exit status 0.
    terminal.close_stdin();
    EXPECT_EQ(terminal.wait(10s), 0);
}

}  // namespace
}  // namespace tickwire::test
