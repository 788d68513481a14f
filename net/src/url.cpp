#include "tickwire/net/url.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace tickwire::net {

namespace {

// One scheme pair: "scheme://" for plain and for TLS, compared without case,
// and the port each defaults to. The rest of the URL is the same for every
// scheme we speak.
struct Scheme {
    std::string_view plain, secure;
    std::string_view plain_port, secure_port;
};

std::optional<Url> parse_url(std::string_view url, const Scheme& scheme) {
    const std::string_view plain = scheme.plain, secure = scheme.secure;
    Url out;
    auto starts_with_nocase = [&](std::string_view prefix) {
        return url.size() >= prefix.size() &&
               std::equal(prefix.begin(), prefix.end(), url.begin(),
                          [](char a, char b) { return a == std::tolower(static_cast<unsigned char>(b)); });
    };
    if (starts_with_nocase(secure)) {
        out.secure = true;
        url.remove_prefix(secure.size());
    } else if (starts_with_nocase(plain)) {
        url.remove_prefix(plain.size());
    } else {
        return std::nullopt;
    }

    const auto authority_end = url.find_first_of("/?#");
    std::string_view authority = url.substr(0, authority_end);
    std::string_view rest = authority_end == std::string_view::npos ? std::string_view() : url.substr(authority_end);
    if (authority.find('@') != std::string_view::npos) return std::nullopt;  // no userinfo

    std::string_view host, port;
    if (!authority.empty() && authority.front() == '[') {  // [IPv6]:port
        const auto close = authority.find(']');
        if (close == std::string_view::npos) return std::nullopt;
        host = authority.substr(1, close - 1);
        std::string_view after = authority.substr(close + 1);
        if (!after.empty()) {
            if (after.front() != ':') return std::nullopt;
            port = after.substr(1);
        }
    } else {
        const auto colon = authority.rfind(':');
        host = authority.substr(0, colon);
        if (colon != std::string_view::npos) port = authority.substr(colon + 1);
    }
    if (host.empty()) return std::nullopt;
    if (!port.empty()) {
        unsigned value = 0;
        const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
        if (ec != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535) return std::nullopt;
    }
    out.host = host;
    out.port = port.empty() ? (out.secure ? scheme.secure_port : scheme.plain_port) : port;

    rest = rest.substr(0, rest.find('#'));  // fragments never reach the server
    if (rest.empty() || rest.front() == '?') out.target = "/";
    out.target += std::string(rest);
    return out;
}

}  // namespace

std::optional<Url> parse_ws_url(std::string_view url) { return parse_url(url, {"ws://", "wss://", "80", "443"}); }

std::optional<Url> parse_http_url(std::string_view url) { return parse_url(url, {"http://", "https://", "80", "443"}); }

std::optional<Url> parse_redis_url(std::string_view url) {
    return parse_url(url, {"redis://", "rediss://", "6379", "6379"});
}

std::pair<std::string_view, std::string_view> split_target(std::string_view target) noexcept {
    const auto q = target.find('?');
    if (q == std::string_view::npos) return {target, {}};
    return {target.substr(0, q), target.substr(q + 1)};
}

std::string_view query_value(std::string_view query, std::string_view key) noexcept {
    while (!query.empty()) {
        const auto end = query.find('&');
        const std::string_view pair = query.substr(0, end);
        if (pair.size() > key.size() && pair.starts_with(key) && pair[key.size()] == '=') return pair.substr(key.size() + 1);
        if (end == std::string_view::npos) break;
        query.remove_prefix(end + 1);
    }
    return {};
}

}  // namespace tickwire::net
