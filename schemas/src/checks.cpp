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

std::string_view check_string(const flatbuffers::String* s, std::size_t max_bytes, bool required,
                              std::string_view missing, std::string_view too_long,
                              std::string_view not_utf8) noexcept {
    if (s == nullptr) return required ? missing : std::string_view{};
    if (s->size() > max_bytes) return too_long;
    if (!utf8::valid(s->string_view())) return not_utf8;
    return {};
}

}  // namespace tickwire::schemas::detail
