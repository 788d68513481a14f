#pragma once
// ChatClient: the chat example's client logic, the same natively and in a
// browser. It talks to the server through a tickwire::net::Channel and shows
// what happens through a ChatView, the seam between the logic and a UI (a
// terminal natively: terminal_main.cpp; a page in a browser: browser_main.cpp).
//
// Thread: one thread (the UI's: a terminal loop or the browser's event loop)
// owns a ChatClient and calls everything; none of it blocks.

#include <cstdint>
#include <string>
#include <string_view>

#include "tickwire/net.hpp"

namespace chat {

/// What a UI shows. Called from ChatClient::poll() only.
class ChatView {
public:
    virtual ~ChatView() = default;
    /// A line someone said; `earlier` when it was said before we joined.
    virtual void show_line(std::string_view name, std::string_view text, bool earlier) = 0;
    /// Everything else: "connected", "ann joined", "closed 1000".
    virtual void show_notice(std::string_view text) = 0;
};

class ChatClient {
public:
    /// Starts connecting to `url` (ws://HOST:PORT/ROOM) as `name`, which must
    /// pass check_text(name, kMaxNameBytes). The join goes out first; lines
    /// said while connecting wait behind it.
    ChatClient(std::string_view url, std::string_view name);

    /// Sends a line: "" if it went out, else why not (nothing was sent).
    std::string_view say(std::string_view text);
    /// Closes cleanly (1000); closed() turns true once the server answered.
    void leave();
    /// Shows everything that arrived since the last call. Once per frame.
    void poll(ChatView& view);

    [[nodiscard]] bool closed() const noexcept { return closed_; }
    /// The close code once closed (1000 after leave()).
    [[nodiscard]] std::uint16_t close_code() const noexcept { return close_code_; }

private:
    void show_message(ChatView& view);

    tickwire::net::Channel channel_;
    tickwire::net::Event event_;
    bool leaving_ = false;
    bool closed_ = false;
    std::uint16_t close_code_ = 0;
};

}  // namespace chat
