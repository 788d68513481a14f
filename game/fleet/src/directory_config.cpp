#include "tickwire/game/fleet/room_directory.hpp"

#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <stdexcept>

#include <boost/url/parse.hpp>
#include <openssl/rand.h>

namespace tickwire::game::fleet {

namespace {

constexpr std::size_t kMaxProcessIdBytes = 64;

bool id_char(char c) noexcept {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
           c == '_';
}

}  // namespace

bool valid_process_id(std::string_view id) noexcept {
    return !id.empty() && id.size() <= kMaxProcessIdBytes && std::all_of(id.begin(), id.end(), id_char);
}

bool parse_redis_url(std::string_view text, DirectoryConfig& config, std::string& error) {
    const auto url = boost::urls::parse_absolute_uri(text);
    if (!url) {
        error = "'" + std::string(text) + "' is not a URL (expected redis://HOST:PORT)";
        return false;
    }
    if (url->scheme() != "redis") {
        error = "'" + std::string(text) + "': only redis://HOST:PORT is supported";
        return false;
    }
    if (url->has_userinfo() || (!url->path().empty() && url->path() != "/") || url->has_query() ||
        url->has_fragment() || url->host().empty()) {
        error = "'" + std::string(text) + "': expected redis://HOST:PORT, nothing more";
        return false;
    }
    unsigned port = 6379;
    if (url->has_port()) {
        // port_number() wraps values past 65535; read the digits instead.
        const std::string_view digits = url->port();
        const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
        if (ec != std::errc() || end != digits.data() + digits.size() || port == 0 || port > 65535) {
            error = "'" + std::string(text) + "': the port must be 1..65535";
            return false;
        }
    }
    // An IPv6 literal comes back bracketed from host(); hiredis wants it bare.
    std::string host = url->host();
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    config.redis_host = std::move(host);
    config.redis_port = static_cast<std::uint16_t>(port);
    return true;
}

std::string make_process_id() {
    char host[256] = {};
    if (::gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
    std::string id;
    for (const char* c = host; *c != '\0' && id.size() < 40; ++c) id += id_char(*c) ? *c : '_';
    if (id.empty()) id = "tickwire";
    unsigned char random[4] = {};
    if (RAND_bytes(random, sizeof random) != 1) throw std::runtime_error("no randomness for a process id");
    static constexpr char kHex[] = "0123456789abcdef";
    id += '-';
    for (unsigned char byte : random) {
        id += kHex[byte >> 4];
        id += kHex[byte & 15];
    }
    return id;
}

}  // namespace tickwire::game::fleet
