#pragma once
// ChatLog: the chat box's lines, oldest first, the most recent kLines: what
// players said, and the client's own notices (joins, leaves, kills,
// connection changes) with no sender. It writes straight into the view's
// vector, so drawing a frame copies nothing.
//
// Thread: the game thread.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "tickwire/game/client_view.hpp"

namespace tickwire::game {

class ChatLog {
public:
    static constexpr std::size_t kLines = 50;

    explicit ChatLog(std::vector<ChatLine>& lines) : lines_(lines) {}

    void say(std::string from, std::string text, std::uint8_t colour) {
        lines_.push_back({std::move(from), std::move(text), colour});
        if (lines_.size() > kLines) lines_.erase(lines_.begin());
    }
    void notice(std::string text) { say({}, std::move(text), 0); }

    [[nodiscard]] const std::vector<ChatLine>& lines() const noexcept { return lines_; }

private:
    std::vector<ChatLine>& lines_;
};

}  // namespace tickwire::game
