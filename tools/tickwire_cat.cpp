// tickwire-cat: a wscat-like WebSocket client over a tickwire Channel.
//
//   printf 'hello\nworld\n' | tickwire-cat ws://127.0.0.1:9001/echo
//   tickwire-cat wss://example.org/ws --subprotocol chat.v1 --header 'Authorization: Bearer x'
//
// Sends each stdin line as one binary message (without its newline) and prints
// each received message on stdout, one per line: as text when it is printable
// UTF-8, else as hex (--hex forces hex). Connection events go to stderr. On
// stdin EOF (or SIGINT/SIGTERM) it closes with 1000 and exits when the closed
// event arrives. Exit status: 0 after a 1000/1001 close, 1 after an error or any
// other close code, 2 for a bad command line.
//
// Thread: everything here runs on the main thread, as a game would: one loop
// polls the stream, reads stdin without blocking (poll(2) with a zero timeout)
// and flushes the sink once per iteration.

#include <poll.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstddef>
#include <cstdio>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "tickwire/cli.hpp"
#include "tickwire/net.hpp"
#include "tickwire/schemas/utf8.hpp"

namespace {

namespace net = tickwire::net;
using namespace std::chrono_literals;

// stdin is read in slices of this size, and not at all while the send queue
// is half full: the pipe then holds the rest, which pushes back on the writer.
constexpr std::size_t kReadChunk = 64 * 1024;
constexpr auto kIdleSleep = 200us;
// After sending our close frame, how long beyond the channel's own close
// timeout we wait for its closed event before giving up.
constexpr auto kCloseGrace = 1s;

struct Config {
    bool hex = false;
    std::string url;
    net::ChannelOptions channel;
};

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

// The command line into `config`; nullopt to run, else the exit code.
std::optional<int> parse_command_line(int argc, char** argv, Config& config) {
    std::vector<std::string> headers;
    bool insecure = false;
    CLI::App app{"Connects to a ws:// or wss:// URL, sends each line of stdin as a binary message and prints "
                 "each message received, one per line.",
                 "tickwire-cat"};
    app.add_option("url", config.url, "ws:// or wss:// URL (required)");
    app.add_flag("--hex", config.hex, "print every message as hex (default: text when printable)");
    app.add_option("--header", headers, "extra header K:V on the upgrade request (repeatable)")
        ->check(CLI::Validator(
            [](std::string& value) {
                const auto colon = value.find(':');
                const bool ok = colon != std::string::npos && !trim(std::string_view(value).substr(0, colon)).empty();
                return ok ? std::string() : "wants NAME:VALUE, got '" + value + "'";
            },
            "K:V"));
    app.add_option("--subprotocol", config.channel.subprotocols, "offer sub-protocol P (repeatable)");
    app.add_flag("--insecure", insecure, "do not verify the server's TLS certificate");
    app.add_option("--ca-file", config.channel.tls.ca_file, "trust the CAs in this PEM file instead of the system's");
    app.footer(
        "Events go to stderr: \"connected (subprotocol P)\", \"closed CODE REASON\",\n"
        "\"error: KIND DESCRIPTION\". stdin EOF closes with 1000. Exit status 0 after a\n"
        "1000 or 1001 close, 1 after an error or any other close code, 2 for a bad command line.\n"
        "\n"
        "The close follows the last line at once, so replies the server had not sent\n"
        "yet are lost; to see them, keep stdin open a little: (cat f; sleep 1) | ...");
    // Checked after parsing, so a mistyped option is named before a missing URL.
    const auto check = [&] {
        if (config.url.empty()) throw std::invalid_argument("no URL given");
    };
    if (auto exit = tickwire::cli::parse(app, argc, argv, check)) return exit;
    config.channel.tls.verify_peer = !insecure;
    for (const std::string& header : headers) {
        const std::string_view h = header;
        const auto colon = h.find(':');
        config.channel.headers.emplace_back(trim(h.substr(0, colon)), trim(h.substr(colon + 1)));
    }
    return std::nullopt;
}

// Set by SIGINT/SIGTERM: treated like stdin EOF. SA_RESETHAND makes a second
// signal kill the process if the close handshake hangs.
std::atomic<bool> g_stop{false};
static_assert(std::atomic<bool>::is_always_lock_free);

extern "C" void on_stop_signal(int) { g_stop.store(true, std::memory_order_relaxed); }

void install_signal_handlers() {
    struct sigaction action {};
    action.sa_handler = on_stop_signal;
    action.sa_flags = SA_RESETHAND;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
}

// Valid UTF-8 with no control characters except tab (C0, DEL, C1): safe to print as a line.
bool is_printable_text(std::span<const std::byte> bytes) {
    const std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    return tickwire::schemas::utf8::each_code_point(text, [](char32_t c) {
        return (c >= 0x20 || c == '\t') && !(c >= 0x7f && c < 0xa0);
    });
}

void print_message(const net::Message& message, bool hex) {
    const std::span<const std::byte> bytes = message.bytes();
    if (!hex && is_printable_text(bytes)) {
        std::fwrite(bytes.data(), 1, bytes.size(), stdout);
    } else {
        static constexpr char kDigits[] = "0123456789abcdef";
        std::string line;
        line.reserve(bytes.size() * 2);
        for (const std::byte b : bytes) {
            line += kDigits[std::to_integer<unsigned>(b) >> 4];
            line += kDigits[std::to_integer<unsigned>(b) & 0xf];
        }
        std::fwrite(line.data(), 1, line.size(), stdout);
    }
    std::fputc('\n', stdout);
}

// Reads stdin without ever blocking and cuts it into lines.
class LineReader {
public:
    enum class Result { nothing, data, eof };

    // Read what is available now (at most one chunk).
    Result read_available() {
        pollfd fd{STDIN_FILENO, POLLIN, 0};
        const int ready = ::poll(&fd, 1, 0);
        if (ready < 0) return errno == EINTR ? Result::nothing : Result::eof;
        if (ready == 0) return Result::nothing;
        if ((fd.revents & POLLNVAL) != 0) return Result::eof;
        char chunk[kReadChunk];
        const ssize_t n = ::read(STDIN_FILENO, chunk, sizeof chunk);
        if (n < 0) return errno == EINTR || errno == EAGAIN ? Result::nothing : Result::eof;
        if (n == 0) return Result::eof;
        buffer_.append(chunk, static_cast<std::size_t>(n));
        return Result::data;
    }

    // The next complete line, without its '\n'.
    std::optional<std::string> next_line() {
        const auto newline = buffer_.find('\n', scanned_);
        if (newline == std::string::npos) {
            scanned_ = buffer_.size();
            return std::nullopt;
        }
        std::string line = buffer_.substr(0, newline);
        buffer_.erase(0, newline + 1);
        scanned_ = 0;
        return line;
    }

    // What is left after EOF: a last line without a newline, if any.
    std::optional<std::string> rest() {
        if (buffer_.empty()) return std::nullopt;
        std::string line = std::move(buffer_);
        buffer_.clear();
        return line;
    }

private:
    std::string buffer_;
    std::size_t scanned_ = 0;  // bytes of buffer_ known to hold no '\n'
};

class CatLoop {
public:
    explicit CatLoop(const Config& config)
        : hex_(config.hex),
          send_queue_capacity_(config.channel.send_queue_capacity),
          close_wait_(config.channel.close_timeout + kCloseGrace),
          channel_(net::Channel::connect(config.url, config.channel)) {}

    // Returns the exit status.
    int run() {
        while (true) {
            bool worked = false;
            while (channel_.stream().poll(event_)) {
                worked = true;
                if (const auto status = handle_event()) return *status;
            }
            // stdin waits until the channel is open; a stop signal does not.
            if (!closing_ && (open_ || g_stop.load(std::memory_order_relaxed))) {
                worked |= send_stdin();
            }
            if (worked) {
                channel_.sink().flush();
                std::fflush(stdout);
            }
            if (closing_ && std::chrono::steady_clock::now() > close_deadline_) {
                std::fprintf(stderr, "error: no closed event %lld ms after closing\n",
                             static_cast<long long>(close_wait_.count()));
                return 1;
            }
            if (!worked) std::this_thread::sleep_for(kIdleSleep);
        }
    }

private:
    // Handle event_; an exit status once the connection is over.
    std::optional<int> handle_event() {
        switch (event_.type) {
        case net::EventType::opened:
            open_ = true;
            if (event_.text().empty()) {
                std::fprintf(stderr, "connected\n");
            } else {
                std::fprintf(stderr, "connected (subprotocol %.*s)\n",
                             static_cast<int>(event_.text().size()), event_.text().data());
            }
            break;
        case net::EventType::message:
            print_message(event_.message, hex_);
            break;
        case net::EventType::error:
            failed_ = true;
            std::fprintf(stderr, "error: %.*s %.*s",
                         static_cast<int>(net::to_string(event_.error).size()),
                         net::to_string(event_.error).data(),
                         static_cast<int>(event_.text().size()), event_.text().data());
            if (event_.http_status != 0) std::fprintf(stderr, " (HTTP %u)", unsigned{event_.http_status});
            std::fputc('\n', stderr);
            break;
        case net::EventType::closed:
            std::fflush(stdout);
            std::fprintf(stderr, "closed %u %.*s\n", unsigned{event_.close_code},
                         static_cast<int>(event_.text().size()), event_.text().data());
            return failed_ || (event_.close_code != net::close_code::normal &&
                               event_.close_code != net::close_code::going_away)
                       ? 1
                       : 0;
        default:
            std::fprintf(stderr, "%.*s\n", static_cast<int>(net::to_string(event_.type).size()),
                         net::to_string(event_.type).data());
            break;
        }
        return std::nullopt;
    }

    // Send the complete lines stdin has for us; start closing at its end.
    bool send_stdin() {
        const bool stop = g_stop.load(std::memory_order_relaxed);
        auto result = LineReader::Result::eof;
        if (!stop) {
            // Leave stdin in its pipe while the send queue is half full.
            if (channel_.stats().send_queue_depth > send_queue_capacity_ / 2) return false;
            result = reader_.read_available();
            if (result == LineReader::Result::nothing) return false;
        }
        while (auto line = reader_.next_line()) send_line(*line);
        if (result == LineReader::Result::eof) {
            if (auto last = reader_.rest()) send_line(*last);
            channel_.sink().close(net::close_code::normal);
            closing_ = true;
            close_deadline_ = std::chrono::steady_clock::now() + close_wait_;
        }
        return true;
    }

    void send_line(std::string_view line) {
        if (!channel_.sink().add(std::as_bytes(std::span(line.data(), line.size())))) {
            std::fprintf(stderr, "error: send queue full or channel closed, line dropped\n");
        }
    }

    bool hex_;
    std::size_t send_queue_capacity_;
    std::chrono::milliseconds close_wait_;
    net::Channel channel_;
    net::Event event_;
    LineReader reader_;
    bool open_ = false;
    bool closing_ = false;
    bool failed_ = false;
    std::chrono::steady_clock::time_point close_deadline_;
};

}  // namespace

int main(int argc, char** argv) {
    Config config;
    if (const auto exit = parse_command_line(argc, argv, config)) return *exit;
    install_signal_handlers();
    CatLoop loop(config);
    return loop.run();
}
