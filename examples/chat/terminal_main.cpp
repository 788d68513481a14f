// tickwire-chat: the chat example's client in a terminal (README.md).
//
//   tickwire-chat [ws://127.0.0.1:7780/lobby] --name ann
//
// Each line typed is said in the room; what the room says is printed, one
// line each: "bob: hi", "(earlier) bob: hi" for what was said before you
// came, "* bob joined" for the rest. End of input (Ctrl-D) or Ctrl-C leaves
// with a clean close (1000). Exit status 0 after a 1000 close, 1 otherwise.
//
// Thread: the main thread runs the loop: poll the channel, read stdin
// without blocking, repeat, as a game would once per frame.

#include <poll.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <stdexcept>
#include <string>

#include "chat_client.hpp"
#include "chat_protocol.hpp"
#include "tickwire/cli.hpp"

namespace {

using Clock = std::chrono::steady_clock;

class TerminalView : public chat::ChatView {
public:
    void show_line(std::string_view name, std::string_view text, bool earlier) override {
        std::printf("%s%.*s: %.*s\n", earlier ? "(earlier) " : "", static_cast<int>(name.size()), name.data(),
                    static_cast<int>(text.size()), text.data());
    }
    void show_notice(std::string_view text) override {
        std::printf("* %.*s\n", static_cast<int>(text.size()), text.data());
    }
};

// Lines from stdin without blocking: a loop that also polls the network must
// never sit in read().
class StdinLines {
public:
    /// Waits up to `timeout` for input; true when a whole line is in `line`.
    bool next(std::string& line, std::chrono::milliseconds timeout) {
        if (take_line(line)) return true;
        if (eof_) {
            ::poll(nullptr, 0, static_cast<int>(timeout.count()));  // nothing more to read: just wait
            return false;
        }
        pollfd input{STDIN_FILENO, POLLIN, 0};
        if (::poll(&input, 1, static_cast<int>(timeout.count())) <= 0) return false;
        char buffer[4096];
        const ssize_t got = ::read(STDIN_FILENO, buffer, sizeof buffer);
        if (got <= 0) {
            eof_ = true;
            if (!pending_.empty()) pending_ += '\n';  // a last line without its newline
        } else {
            pending_.append(buffer, static_cast<std::size_t>(got));
        }
        return take_line(line);
    }
    [[nodiscard]] bool eof() const { return eof_ && pending_.empty(); }

private:
    bool take_line(std::string& line) {
        const auto newline = pending_.find('\n');
        if (newline == std::string::npos) return false;
        line.assign(pending_, 0, newline);
        pending_.erase(0, newline + 1);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        return true;
    }
    std::string pending_;
    bool eof_ = false;
};

std::atomic<bool> g_interrupted{false};
extern "C" void on_interrupt(int) { g_interrupted.store(true); }

}  // namespace

int main(int argc, char** argv) {
    std::string url = "ws://127.0.0.1:7780/lobby";
    std::string name;
    CLI::App app{"The chat example's client: say each line you type in a room (ws://HOST:PORT/ROOM).",
                 "tickwire-chat"};
    app.add_option("url", url, "the room to join")->capture_default_str();
    app.add_option("--name", name, "the name the room sees (1 to 32 bytes; required)");
    // Checked after parsing, so a mistyped option is named before a missing name.
    const auto check = [&] {
        if (app.count("--name") == 0) throw std::invalid_argument("--name is required");
        if (const auto why = chat::check_text(name, chat::kMaxNameBytes); !why.empty())
            throw std::invalid_argument("--name: " + std::string(why));
    };
    if (const auto exit = tickwire::cli::parse(app, argc, argv, check)) return *exit;
    std::signal(SIGINT, on_interrupt);
    std::signal(SIGTERM, on_interrupt);

    TerminalView view;
    chat::ChatClient client(url, name);
    StdinLines input;
    std::string line;
    // After leave(), how long to wait for the server's answer before giving up.
    const auto leave_grace = std::chrono::seconds(3);
    Clock::time_point give_up = Clock::time_point::max();
    while (!client.closed() && Clock::now() < give_up) {
        client.poll(view);
        if (input.next(line, std::chrono::milliseconds(5))) {
            if (const auto why = client.say(line); !why.empty())
                view.show_notice("not sent (" + std::string(why) + "): " + line);
        }
        if ((input.eof() || g_interrupted.load()) && give_up == Clock::time_point::max()) {
            client.leave();
            give_up = Clock::now() + leave_grace;
        }
        std::fflush(stdout);
    }
    std::fflush(stdout);
    return client.close_code() == tickwire::net::close_code::normal ? 0 : 1;
}
