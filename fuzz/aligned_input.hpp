#pragma once
// The fuzzer's bytes copied to an 8-byte aligned buffer: every tickwire
// reader demands kBufferAlignment (as every net::Message provides), so the
// fuzzers must exercise the checks behind it, not the alignment refusal.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

namespace tickwire::fuzz {

class AlignedInput {
public:
    AlignedInput(const std::uint8_t* data, std::size_t size) : words_((size + 7) / 8), size_(size) {
        if (size != 0) std::memcpy(words_.data(), data, size);
    }
    [[nodiscard]] std::span<const std::byte> bytes() const noexcept {
        return {reinterpret_cast<const std::byte*>(words_.data()), size_};
    }

private:
    std::vector<std::uint64_t> words_;
    std::size_t size_;
};

}  // namespace tickwire::fuzz
