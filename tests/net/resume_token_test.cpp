// Resume tokens: HMAC-SHA256 over session id and expiry — unforgeable,
// expiring, bound to their session.
#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "session/resume_token.hpp"

namespace tickwire::net::detail {
namespace {

std::span<const std::byte> key(const std::string& text) {
    return {reinterpret_cast<const std::byte*>(text.data()), text.size()};
}

const std::string kSecret = "0123456789abcdef0123456789abcdef";

TEST(ResumeToken, VerifiesWhatItIssued) {
    const auto token = issue_resume_token(key(kSecret), 0x1122334455667788ull, 5000);
    const auto check = verify_resume_token(key(kSecret), token, 4999);
    ASSERT_TRUE(check.ok()) << check.error;
    EXPECT_EQ(check.session_id, 0x1122334455667788ull);
    EXPECT_EQ(check.expiry_ms, 5000u);
}

TEST(ResumeToken, ExpiredTokenIsRefused) {
    const auto token = issue_resume_token(key(kSecret), 7, 5000);
    const auto check = verify_resume_token(key(kSecret), token, 5000);
    EXPECT_FALSE(check.ok());
    EXPECT_EQ(check.error, "resume token expired");
}

TEST(ResumeToken, AnyFlippedBitIsAForgery) {
    const auto token = issue_resume_token(key(kSecret), 7, 5000);
    for (std::size_t byte = 0; byte < token.size(); ++byte) {
        for (int bit = 0; bit < 8; ++bit) {
            auto forged = token;
            forged[byte] ^= static_cast<std::byte>(1u << bit);
            const auto check = verify_resume_token(key(kSecret), forged, 1);
            ASSERT_FALSE(check.ok()) << "byte " << byte << " bit " << bit;
            EXPECT_EQ(check.error, "resume token signature does not match");
        }
    }
}

TEST(ResumeToken, AnotherServersSecretDoesNotVerify) {
    const auto token = issue_resume_token(key(kSecret), 7, 5000);
    EXPECT_FALSE(verify_resume_token(key("another secret"), token, 1).ok());
    EXPECT_FALSE(verify_resume_token({}, token, 1).ok());
}

TEST(ResumeToken, RaisingTheExpiryOrChangingTheSessionBreaksTheSignature) {
    const auto token = issue_resume_token(key(kSecret), 7, 5000);
    auto later = token;
    later[8 + 7] = std::byte{0x7f};  // expiry far in the future
    EXPECT_FALSE(verify_resume_token(key(kSecret), later, 6000).ok());
    auto other = token;
    other[0] = std::byte{8};  // session 8 instead of 7
    EXPECT_FALSE(verify_resume_token(key(kSecret), other, 1).ok());
}

TEST(ResumeToken, WrongSizesAreRefusedWithoutReadingPastTheEnd) {
    const auto token = issue_resume_token(key(kSecret), 7, 5000);
    for (std::size_t size : {0u, 1u, 16u, 47u}) {
        const auto check = verify_resume_token(key(kSecret), std::span(token).first(size), 1);
        EXPECT_EQ(check.error, "resume token has the wrong size") << size;
    }
    std::array<std::byte, kResumeTokenBytes + 1> longer{};
    std::memcpy(longer.data(), token.data(), token.size());
    EXPECT_FALSE(verify_resume_token(key(kSecret), longer, 1).ok());
}

}  // namespace
}  // namespace tickwire::net::detail
