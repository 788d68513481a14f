#pragma once
// ServerLog: the match server's log lines, filtered by level, formatted
// printf-style into a fixed buffer and handed to ServerConfig::log_sink (or
// stderr as "[level] line"). Net's refusals reach it as log events.
//
// Thread: the game thread only (the sink is game code).

#include <cstdio>
#include <functional>
#include <string_view>

#include "tickwire/game/server/match_server.hpp"

namespace tickwire::game::server {

class ServerLog {
public:
    using Sink = std::function<void(LogLevel, std::string_view)>;

    ServerLog(LogLevel level, Sink sink) : level_(level), sink_(std::move(sink)) {}

    [[nodiscard]] bool enabled(LogLevel level) const noexcept { return level <= level_; }

    template <class... A>
    void operator()(LogLevel level, const char* fmt, A... args) const {
        if (!enabled(level)) return;
        char line[512];
        if constexpr (sizeof...(A) == 0) {
            std::snprintf(line, sizeof(line), "%s", fmt);
        } else {
            std::snprintf(line, sizeof(line), fmt, args...);
        }
        write(level, line);
    }

private:
    void write(LogLevel level, std::string_view line) const;

    LogLevel level_;
    Sink sink_;
};

}  // namespace tickwire::game::server
