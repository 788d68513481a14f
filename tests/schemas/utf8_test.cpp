// schemas/utf8.hpp: the one UTF-8 check behind schemas' strings, net's close
// reasons (native and browser) and tickwire-cat.
#include "tickwire/schemas/utf8.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tickwire::schemas::utf8 {
namespace {

TEST(Utf8, WellFormedIsRfc3629) {
    for (const std::string good : {"", "plain", "caf\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x9a\x80", "\xf4\x8f\xbf\xbf"}) {
        EXPECT_TRUE(valid(good)) << good;
    }
    const std::vector<std::string> bad = {
        "\x80",              // a continuation byte first
        "\xc3",              // cut short
        "\xe2\x82",          // cut short
        "\xc0\xaf",          // overlong '/'
        "\xe0\x80\xaf",      // overlong
        "\xed\xa0\x80",      // a UTF-16 surrogate
        "\xf4\x90\x80\x80",  // past U+10FFFF
        "\xf8\x88\x80\x80\x80",
        "ok\xff",
    };
    for (const std::string& b : bad) EXPECT_FALSE(valid(b)) << testing::PrintToString(b);
}

TEST(Utf8, ClampNeverCutsACharacterInHalf) {
    const std::string text = "a\xe2\x82\xac" "b";  // a, euro sign (3 bytes), b
    EXPECT_EQ(clamp(text, 10), text);
    EXPECT_EQ(clamp(text, 4), "a\xe2\x82\xac");
    EXPECT_EQ(clamp(text, 3), "a");
    EXPECT_EQ(clamp(text, 1), "a");
    EXPECT_EQ(clamp(text, 0), "");
}

TEST(Utf8, SanitizedReplacesEachBadByteAndFitsTheLimit) {
    EXPECT_EQ(sanitized("ok", 10), "ok");
    EXPECT_EQ(sanitized("a\xff" "b\xc3", 10), "a?b?");
    EXPECT_EQ(sanitized("\xed\xa0\x80", 10), "???") << "a surrogate is three bad bytes";
    EXPECT_EQ(sanitized("ab\xe2\x82\xac", 4), "ab") << "the euro sign does not fit whole";
    EXPECT_TRUE(valid(sanitized(std::string("\x80\xc3\xa9\xf4\x90", 5), 123)));
}

TEST(Utf8, EachCodePointStopsWhereTheVisitorSays) {
    std::u32string seen;
    EXPECT_TRUE(each_code_point("h\xc3\xa9", [&](char32_t c) { return seen.push_back(c), true; }));
    EXPECT_EQ(seen, U"h\u00e9");
    EXPECT_FALSE(each_code_point("a\tb", [](char32_t c) { return c >= 0x20; })) << "the visitor refused the tab";
}

}  // namespace
}  // namespace tickwire::schemas::utf8
