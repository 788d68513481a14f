#include "checks.hpp"

#include <cstring>

#include "tickwire/schemas/protocol.hpp"

namespace tickwire::schemas::detail {

std::string_view precheck(std::span<const std::byte> bytes, std::size_t max_size,
                          const char* identifier) noexcept {
    // Root offset + identifier + the smallest table: anything shorter is noise.
    if (bytes.size() < 12) return "buffer too small";
    if (bytes.size() > max_size) return "buffer too large";
    // FlatBuffers reads scalars in place; misaligned reads are undefined.
    if (reinterpret_cast<std::uintptr_t>(bytes.data()) % kBufferAlignment != 0) {
        return "buffer not 8-byte aligned";
    }
    if (!flatbuffers::BufferHasIdentifier(bytes.data(), identifier)) return "wrong file identifier";
    return {};
}

flatbuffers::Verifier::Options verifier_options() noexcept {
    flatbuffers::Verifier::Options options;
    options.max_depth = kMaxVerifyDepth;
    options.max_tables = kMaxVerifyTables;
    options.check_alignment = true;
    // session.Payload.data is verified by the game reader, on its own.
    options.check_nested_flatbuffers = false;
    return options;
}

bool valid_utf8(std::string_view text) noexcept {
    const auto* p = reinterpret_cast<const unsigned char*>(text.data());
    const auto* end = p + text.size();
    while (p < end) {
        const unsigned char c = *p;
        if (c < 0x80) {
            ++p;
            continue;
        }
        std::size_t extra = 0;
        std::uint32_t cp = 0;
        if ((c & 0xE0) == 0xC0) {
            extra = 1;
            cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            extra = 2;
            cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            extra = 3;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (static_cast<std::size_t>(end - p) <= extra) return false;
        for (std::size_t i = 1; i <= extra; ++i) {
            if ((p[i] & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (p[i] & 0x3F);
        }
        // Overlong forms, surrogates and values past U+10FFFF.
        static constexpr std::uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
        if (cp < kMin[extra] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
        p += extra + 1;
    }
    return true;
}

std::string_view clamp_utf8(std::string_view text, std::size_t max_bytes) noexcept {
    if (text.size() <= max_bytes) return text;
    std::size_t cut = max_bytes;
    // Step back over continuation bytes to the start of the cut sequence.
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    return text.substr(0, cut);
}

std::string_view check_string(const flatbuffers::String* s, std::size_t max_bytes, bool required,
                              std::string_view missing, std::string_view too_long,
                              std::string_view not_utf8) noexcept {
    if (s == nullptr) return required ? missing : std::string_view{};
    if (s->size() > max_bytes) return too_long;
    if (!valid_utf8(s->string_view())) return not_utf8;
    return {};
}

}  // namespace tickwire::schemas::detail
