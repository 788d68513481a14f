#include "http/game_requests.hpp"

#include <algorithm>

namespace tickwire::net::http {

namespace {

// Beast stores a header's name and value with 16-bit offsets (and throws past
// them); no real header comes near this.
constexpr std::size_t kMaxHeaderFieldBytes = 8192;

bool header_safe(std::string_view text) noexcept {
    return text.size() <= kMaxHeaderFieldBytes &&
           text.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

// The next NUL-terminated field of `rest`; nullopt when there is no NUL left.
std::optional<std::string_view> next_field(std::string_view& rest) {
    const auto nul = rest.find('\0');
    if (nul == std::string_view::npos) return std::nullopt;
    const std::string_view field = rest.substr(0, nul);
    rest.remove_prefix(nul + 1);
    return field;
}

}  // namespace

Message encode_answer(std::string_view content_type, std::span<const HttpHeader> headers, std::string_view body) {
    std::size_t size = content_type.size() + 2 + body.size();
    if (!header_safe(content_type)) return {};
    for (const HttpHeader& header : headers) {
        if (header.name.empty() || !header_safe(header.name) || !header_safe(header.value)) return {};
        size += header.name.size() + header.value.size() + 2;
    }
    Message answer = Message::allocate(size);
    char* out = reinterpret_cast<char*>(answer.writable().data());
    out = std::copy(content_type.begin(), content_type.end(), out);
    *out++ = '\0';
    for (const HttpHeader& header : headers) {
        out = std::copy(header.name.begin(), header.name.end(), out);
        *out++ = '\0';
        out = std::copy(header.value.begin(), header.value.end(), out);
        *out++ = '\0';
    }
    *out++ = '\0';
    std::copy(body.begin(), body.end(), out);
    return answer;
}

std::optional<GameAnswer> decode_answer(unsigned status, const Message& payload) {
    std::string_view rest = payload.text();
    GameAnswer answer;
    answer.status = status;
    const auto type = next_field(rest);
    if (!type) return std::nullopt;
    answer.content_type = std::string(*type);
    for (;;) {
        const auto name = next_field(rest);
        if (!name) return std::nullopt;
        if (name->empty()) break;  // the end of the headers
        const auto value = next_field(rest);
        if (!value) return std::nullopt;
        answer.headers.emplace_back(*name, *value);
    }
    answer.body = std::string(rest);
    return answer;
}

bool under_route(std::string_view path, std::string_view prefix) noexcept {
    if (prefix.empty() || !path.starts_with(prefix)) return false;
    return path.size() == prefix.size() || prefix.back() == '/' || path[prefix.size()] == '/';
}

HttpRequestId GameRequests::add(OnAnswer on_answer) {
    if (waiting_.size() >= capacity_) return 0;
    HttpRequestId id = 0;
    while (id == 0 || waiting_.contains(id)) id = next_id_++;  // 0 is never an id, even after wrapping
    waiting_.emplace(id, std::move(on_answer));
    return id;
}

bool GameRequests::answer(HttpRequestId id, GameAnswer&& answer) {
    const auto it = waiting_.find(id);
    if (it == waiting_.end()) return false;
    OnAnswer on_answer = std::move(it->second);
    waiting_.erase(it);
    on_answer(std::move(answer));
    return true;
}

void GameRequests::forget(HttpRequestId id) noexcept { waiting_.erase(id); }

void GameRequests::answer_all(const GameAnswer& answer) {
    std::unordered_map<HttpRequestId, OnAnswer> waiting;
    waiting.swap(waiting_);  // a callback may add or forget while we walk
    for (auto& [id, on_answer] : waiting) {
        GameAnswer copy = answer;
        on_answer(std::move(copy));
    }
}

}  // namespace tickwire::net::http
