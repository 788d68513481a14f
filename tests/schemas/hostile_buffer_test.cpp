// Hostile input: every reader must reject, or accept only what it can read
// entirely within the buffer, for truncated, bit-flipped and random buffers.
// Deterministic (fixed seeds); meant to run under address,undefined sanitizers,
// which turn any out-of-bounds or misaligned read into a failure.

#include <cstring>
#include <random>

#include <gtest/gtest.h>

#include "sample_messages.hpp"

namespace tickwire::schemas {
namespace {

using testing::Buffer;

// Reads a buffer through every entry point of its schema; returns how many
// accepted it. An accepted buffer is walked field by field.
int read_everything_game(const Buffer& bytes) {
    int accepted = 0;
    if (const auto m = read_message(bytes)) {
        ++accepted;
        (void)testing::walk(*m.message);
    }
    accepted += read_snapshot(bytes).ok() + read_player_input(bytes).ok() + read_join_room(bytes).ok() +
                read_join_room_result(bytes).ok() + read_leave_room(bytes).ok() +
                read_chat_message(bytes).ok() + read_match_events(bytes).ok() +
                read_list_rooms(bytes).ok() + read_room_list(bytes).ok() + read_presence(bytes).ok();
    return accepted;
}

int read_everything_session(const Buffer& bytes) {
    int accepted = 0;
    if (const auto p = read_packet(bytes)) {
        ++accepted;
        (void)testing::walk(*p.message);
        if (p->body_type() == session::Body::Payload) {
            // The nested message goes through the game reader on its own.
            const auto inner = payload_bytes(*p->body_as_Payload());
            if (const auto m = read_message(inner)) (void)testing::walk(*m.message);
        }
    }
    accepted += read_hello(bytes).ok() + read_welcome(bytes).ok() + read_clock_sync_request(bytes).ok() +
                read_clock_sync_response(bytes).ok() + read_ack(bytes).ok() + read_error(bytes).ok() +
                read_payload(bytes).ok() + read_ping(bytes).ok() + read_pong(bytes).ok();
    return accepted;
}

int read_everything(const Buffer& bytes) { return read_everything_game(bytes) + read_everything_session(bytes); }

// Checksum of every field, or 0 if rejected.
std::uint64_t contents(const Buffer& bytes) {
    if (const auto m = read_message(bytes)) return testing::walk(*m.message);
    if (const auto p = read_packet(bytes)) return testing::walk(*p.message);
    return 0;
}

std::vector<testing::Sample> all_samples() {
    auto samples = testing::game_samples();
    for (auto& s : testing::session_samples()) samples.push_back(std::move(s));
    return samples;
}

TEST(HostileBuffers, EveryTruncationOfEveryKindIsRejectedUnlessOnlyPaddingWasCut) {
    // FlatBuffers are built back to front, so the last bytes of a buffer can
    // be the alignment padding after the first string written. Cutting only
    // those leaves the same valid message; cutting anything more must fail.
    for (const auto& sample : all_samples()) {
        ASSERT_EQ(read_everything(sample.bytes), 2) << sample.name << " should pass two readers intact";
        const std::uint64_t original = contents(sample.bytes);
        for (std::size_t size = 0; size < sample.bytes.size(); ++size) {
            const Buffer truncated(sample.bytes.begin(), sample.bytes.begin() + static_cast<std::ptrdiff_t>(size));
            const int accepted = read_everything(truncated);
            if (accepted == 0) continue;
            EXPECT_EQ(accepted, 2) << sample.name << " truncated to " << size;
            EXPECT_GE(size + 8, sample.bytes.size()) << sample.name << " truncated to " << size;
            EXPECT_EQ(contents(truncated), original) << sample.name << " truncated to " << size;
        }
    }
}

TEST(HostileBuffers, EverySingleBitFlipIsRejectedOrReadsSafely) {
    // A flip in a scalar (a tick, a coordinate) still makes a valid message,
    // so not every flip can be rejected; what must hold is that nothing
    // accepted reads outside the buffer (walked under the sanitizers), and that
    // flips in the framing (root offset, identifier) are always caught.
    int rejected = 0;
    int total = 0;
    for (const auto& sample : all_samples()) {
        for (std::size_t bit = 0; bit < sample.bytes.size() * 8; ++bit) {
            Buffer flipped = sample.bytes;
            flipped[bit / 8] ^= static_cast<std::byte>(1u << (bit % 8));
            const int accepted = read_everything(flipped);
            ++total;
            if (accepted == 0) ++rejected;
            if (bit >= 32 && bit < 64) {
                EXPECT_EQ(accepted, 0) << sample.name << ": identifier bit " << bit;
            }
        }
    }
    // Most of a small message is offsets and vtables: most flips break it.
    EXPECT_GT(rejected, total / 3) << rejected << " of " << total;
}

TEST(HostileBuffers, MultiByteCorruptionWithManySeedsNeverCrashes) {
    const auto samples = all_samples();
    for (std::uint32_t seed = 1; seed <= 2000; ++seed) {
        std::mt19937 rng(seed);
        const auto& sample = samples[seed % samples.size()];
        Buffer corrupt = sample.bytes;
        const int edits = 1 + static_cast<int>(rng() % 8);
        for (int i = 0; i < edits; ++i) {
            corrupt[rng() % corrupt.size()] = static_cast<std::byte>(rng());
        }
        (void)read_everything(corrupt);
    }
    SUCCEED();
}

TEST(HostileBuffers, RandomBuffersAreRejected) {
    for (std::uint32_t seed = 1; seed <= 3000; ++seed) {
        std::mt19937 rng(seed);
        Buffer noise(rng() % 512);
        for (auto& b : noise) b = static_cast<std::byte>(rng());
        // Half of them get a valid identifier so they reach the Verifier.
        if (noise.size() >= 8 && seed % 2 == 0) {
            std::memcpy(noise.data() + 4, seed % 4 == 0 ? "TWG1" : "TWS1", 4);
        }
        EXPECT_EQ(read_everything(noise), 0) << "seed " << seed;
    }
}

TEST(HostileBuffers, RandomNestedPayloadIsRejectedByTheGameReader) {
    flatbuffers::FlatBufferBuilder fbb;
    for (std::uint32_t seed = 1; seed <= 500; ++seed) {
        std::mt19937 rng(seed);
        Buffer noise(8 + rng() % 256);
        for (auto& b : noise) b = static_cast<std::byte>(rng());
        std::memcpy(noise.data() + 4, "TWG1", 4);
        const auto packet = testing::copy(encode_payload(fbb, {.sequence = seed}, noise));
        const auto payload = read_payload(packet);
        ASSERT_TRUE(payload) << payload.error;  // the envelope itself is fine
        EXPECT_FALSE(read_message(payload_bytes(*payload.message))) << "seed " << seed;
    }
}

}  // namespace
}  // namespace tickwire::schemas
