#include <doctest/doctest.h>

#include "core/utf16.hpp"

using pysens2::utf16_to_utf8;

static std::string conv(const std::u16string& s) { return utf16_to_utf8(s.data(), s.size()); }

TEST_CASE("ASCII, accented, CJK and emoji convert to UTF-8") {
    CHECK(conv(u"alice") == "alice");
    CHECK(conv(u"Jos\u00e9") == "Jos\xc3\xa9");
    CHECK(conv(u"\u7530\u4e2d") == "\xe7\x94\xb0\xe4\xb8\xad");
    CHECK(conv(u"\U0001F600") == "\xf0\x9f\x98\x80");
    CHECK(conv(u"") == "");
}

TEST_CASE("unpaired surrogates become U+FFFD, pairs stay") {
    const std::string fffd = "\xef\xbf\xbd";
    CHECK(conv(std::u16string{char16_t(0xD800)}) == fffd);
    CHECK(conv(std::u16string{char16_t(0xDC00), u'a'}) == fffd + "a");
    CHECK(conv(std::u16string{u'a', char16_t(0xD83D)}) == "a" + fffd);
    // Two highs in a row: both unpaired.
    CHECK(conv(std::u16string{char16_t(0xD83D), char16_t(0xD83D)}) == fffd + fffd);
    // A high followed by a valid pair: the first is unpaired.
    CHECK(conv(std::u16string{char16_t(0xD83D), char16_t(0xD83D), char16_t(0xDE00)}) ==
          fffd + "\xf0\x9f\x98\x80");
}

TEST_CASE("embedded NULs survive and long names convert completely") {
    std::u16string s = u"a";
    s.push_back(0);
    s += u"b";
    std::string out = conv(s);
    REQUIRE(out.size() == 3);
    CHECK(out[1] == '\0');

    std::u16string big(32768, u'\u00e9');  // 64 KiB of UTF-16
    std::string big8 = conv(big);
    CHECK(big8.size() == 65536);
    CHECK(big8.substr(0, 2) == "\xc3\xa9");
}
