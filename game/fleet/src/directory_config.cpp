#include "tickwire/game/fleet/room_directory.hpp"

#include <unistd.h>

#include <algorithm>
#include <stdexcept>

#include <openssl/rand.h>

#include "tickwire/net/url.hpp"

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
    const auto url = net::parse_redis_url(text);
    if (!url) {
        error = "'" + std::string(text) + "' is not a redis://HOST[:PORT] URL (the port 1..65535, no user info)";
        return false;
    }
    if (url->secure || url->target != "/") {
        error = "'" + std::string(text) + "': expected redis://HOST:PORT, nothing more (no TLS, database or query)";
        return false;
    }
    config.redis_host = url->host;  // an IPv6 literal comes bare, as hiredis wants it
    config.redis_port = static_cast<std::uint16_t>(std::stoul(url->port));  // 1..65535, checked by the parser
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
