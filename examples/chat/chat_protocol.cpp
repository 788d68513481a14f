#include "chat_protocol.hpp"

#include <cstring>

namespace chat {

namespace {

// Decodes the UTF-8 sequence at text[i] and advances i; nullopt if it is not
// the shortest encoding of a Unicode scalar value.
std::optional<char32_t> next_code_point(std::string_view text, std::size_t& i) {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
    const unsigned char lead = byte(i);
    std::size_t length = 0;
    char32_t point = 0;
    if (lead < 0x80) {
        ++i;
        return lead;
    }
    if (lead >= 0xC2 && lead <= 0xDF) length = 2, point = lead & 0x1F;
    else if (lead >= 0xE0 && lead <= 0xEF) length = 3, point = lead & 0x0F;
    else if (lead >= 0xF0 && lead <= 0xF4) length = 4, point = lead & 0x07;
    else return std::nullopt;
    if (i + length > text.size()) return std::nullopt;
    for (std::size_t k = 1; k < length; ++k) {
        if ((byte(i + k) & 0xC0) != 0x80) return std::nullopt;
        point = (point << 6) | (byte(i + k) & 0x3F);
    }
    const bool overlong = (length == 3 && point < 0x800) || (length == 4 && point < 0x10000);
    if (overlong || point > 0x10FFFF || (point >= 0xD800 && point <= 0xDFFF)) return std::nullopt;
    i += length;
    return point;
}

bool is_control(char32_t point) { return point < 0x20 || (point >= 0x7F && point <= 0x9F); }

tickwire::net::Message with_kind(Kind kind, std::size_t body_bytes) {
    auto message = tickwire::net::Message::allocate(1 + body_bytes);
    message.writable()[0] = static_cast<std::byte>(kind);
    return message;
}

}  // namespace

std::string_view check_text(std::string_view text, std::size_t max_bytes) {
    if (text.empty()) return "empty";
    if (text.size() > max_bytes) return "too long";
    for (std::size_t i = 0; i < text.size();) {
        const auto point = next_code_point(text, i);
        if (!point) return "not UTF-8";
        if (is_control(*point)) return "control character";
    }
    return {};
}

tickwire::net::Message encode(Kind kind, std::string_view text) {
    auto message = with_kind(kind, text.size());
    std::memcpy(message.writable().data() + 1, text.data(), text.size());
    return message;
}

tickwire::net::Message encode_line(Kind kind, std::string_view name, std::string_view text) {
    const std::size_t name_bytes = name.size() < kMaxNameBytes ? name.size() : kMaxNameBytes;
    auto message = with_kind(kind, 1 + name_bytes + text.size());
    std::byte* out = message.writable().data() + 1;
    *out++ = static_cast<std::byte>(name_bytes);
    std::memcpy(out, name.data(), name_bytes);
    std::memcpy(out + name_bytes, text.data(), text.size());
    return message;
}

std::optional<Decoded> decode(std::span<const std::byte> bytes) {
    if (bytes.empty()) return std::nullopt;
    const auto kind = static_cast<Kind>(bytes[0]);
    const std::string_view body(reinterpret_cast<const char*>(bytes.data()) + 1, bytes.size() - 1);
    switch (kind) {
    case Kind::join:
    case Kind::say:
    case Kind::notice:
        return Decoded{kind, {}, body};
    case Kind::said:
    case Kind::earlier: {
        if (body.empty()) return std::nullopt;
        const auto name_bytes = static_cast<unsigned char>(body[0]);
        if (1u + name_bytes > body.size()) return std::nullopt;
        return Decoded{kind, body.substr(1, name_bytes), body.substr(1 + name_bytes)};
    }
    }
    return std::nullopt;
}

}  // namespace chat
