#include "server_log.hpp"

namespace tickwire::game::server {

void ServerLog::write(LogLevel level, std::string_view line) const {
    if (sink_) return sink_(level, line);
    std::fprintf(stderr, "[%s] %.*s\n", to_string(level), static_cast<int>(line.size()), line.data());
}

const char* to_string(LogLevel level) noexcept {
    switch (level) {
    case LogLevel::error: return "error";
    case LogLevel::warn: return "warn";
    case LogLevel::info: return "info";
    case LogLevel::debug: return "debug";
    }
    return "?";
}

bool parse_log_level(std::string_view text, LogLevel& out) noexcept {
    for (LogLevel l : {LogLevel::error, LogLevel::warn, LogLevel::info, LogLevel::debug}) {
        if (text == to_string(l)) {
            out = l;
            return true;
        }
    }
    return false;
}

}  // namespace tickwire::game::server
