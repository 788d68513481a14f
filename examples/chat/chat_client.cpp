#include "chat_client.hpp"

#include "chat_protocol.hpp"

namespace chat {

namespace net = tickwire::net;

ChatClient::ChatClient(std::string_view url, std::string_view name) : channel_(net::Channel::connect(url)) {
    channel_.sink().add(encode(Kind::join, name));
    channel_.sink().flush();
}

std::string_view ChatClient::say(std::string_view text) {
    if (leaving_ || closed_) return "not connected";
    if (const auto why = check_text(text, kMaxLineBytes); !why.empty()) return why;
    if (!channel_.sink().add(encode(Kind::say, text))) return "send queue full";
    channel_.sink().flush();
    return {};
}

void ChatClient::leave() {
    if (leaving_ || closed_) return;
    leaving_ = true;
    channel_.sink().close(net::close_code::normal, "bye");
    channel_.sink().flush();
}

void ChatClient::poll(ChatView& view) {
    while (channel_.stream().poll(event_)) {
        switch (event_.type) {
        case net::EventType::opened:
            view.show_notice("connected");
            break;
        case net::EventType::message:
            show_message(view);
            break;
        case net::EventType::error:
            view.show_notice("error: " + std::string(net::to_string(event_.error)) + " " + std::string(event_.text()));
            break;
        case net::EventType::closed:
            closed_ = true;
            close_code_ = event_.close_code;
            view.show_notice("closed " + std::to_string(event_.close_code) + " " + std::string(event_.text()));
            break;
        case net::EventType::reconnecting:  // reconnect is off: a lost connection is final
        case net::EventType::resumed:       // session mode is off
            break;
        }
    }
}

void ChatClient::show_message(ChatView& view) {
    // The server is checked like any peer: nothing it sends reaches the UI
    // unless it is text we would have sent ourselves.
    const auto message = decode(event_.message.bytes());
    const bool readable = message && check_text(message->text, kMaxLineBytes).empty() &&
                          (message->kind == Kind::notice || check_text(message->name, kMaxNameBytes).empty());
    if (!readable) return view.show_notice("(a message this client cannot read)");
    if (message->kind == Kind::notice) return view.show_notice(message->text);
    if (message->kind == Kind::said || message->kind == Kind::earlier)
        return view.show_line(message->name, message->text, message->kind == Kind::earlier);
    view.show_notice("(a message this client cannot read)");
}

}  // namespace chat
