// HOTP/TOTP against the RFC vectors, base32, the otpauth URI and the QR SVG.
#include <gtest/gtest.h>

#include "base32.h"
#include "otpauth.h"
#include "totp.h"

namespace agape::auth {
namespace {

const std::string kSeed = "12345678901234567890";

TEST(Totp, Rfc4226AppendixDHotpVectors) {
  const char* expected[] = {"755224", "287082", "359152", "969429", "338314",
                            "254676", "287922", "162583", "399871", "520489"};
  for (int i = 0; i < 10; ++i) EXPECT_EQ(hotp(kSeed, i, 6), expected[i]) << i;
}

TEST(Totp, Rfc6238AppendixBSha1Vectors) {
  struct Case {
    long long time;
    long long step;
    const char* code;
  };
  const Case cases[] = {{59, 0x1, "94287082"},          {1111111109, 0x23523EC, "07081804"},
                        {1111111111, 0x23523ED, "14050471"}, {1234567890, 0x273EF07, "89005924"},
                        {2000000000, 0x3F940AA, "69279037"}, {20000000000, 0x27BC86AA, "65353130"}};
  for (const auto& c : cases) {
    EXPECT_EQ(totpStep(c.time), c.step) << c.time;
    EXPECT_EQ(totp(kSeed, c.time, 8), c.code) << c.time;
  }
}

TEST(Totp, SixDigitCodesAreTheLastSixOfTheEight) {
  EXPECT_EQ(totp(kSeed, 59, 6), "287082");
  EXPECT_EQ(totp(kSeed, 1111111109, 6), "081804");  // keeps its leading zero
}

TEST(Totp, AcceptsOneStepEitherSideAndNoFurther) {
  const long long t = 1111111109;
  const long long step = totpStep(t);
  std::string now = hotp(kSeed, step, 6), before = hotp(kSeed, step - 1, 6), after = hotp(kSeed, step + 1, 6);
  EXPECT_EQ(matchTotp(kSeed, now, t, std::nullopt), step);
  EXPECT_EQ(matchTotp(kSeed, before, t, std::nullopt), step - 1);
  EXPECT_EQ(matchTotp(kSeed, after, t, std::nullopt), step + 1);
  EXPECT_FALSE(matchTotp(kSeed, hotp(kSeed, step - 2, 6), t, std::nullopt));
  EXPECT_FALSE(matchTotp(kSeed, hotp(kSeed, step + 2, 6), t, std::nullopt));
}

TEST(Totp, ACodeIsAcceptedOnce) {
  const long long t = 1234567890;
  const long long step = totpStep(t);
  std::string code = hotp(kSeed, step, 6);
  auto used = matchTotp(kSeed, code, t, std::nullopt);
  ASSERT_EQ(used, step);
  EXPECT_FALSE(matchTotp(kSeed, code, t, used));             // replay
  EXPECT_FALSE(matchTotp(kSeed, hotp(kSeed, step - 1, 6), t, used));  // older step
  EXPECT_EQ(matchTotp(kSeed, hotp(kSeed, step + 1, 6), t + 30, used), step + 1);
}

TEST(Totp, MalformedCodesNeverMatch) {
  for (const char* bad : {"", "12345", "1234567", "12a456", " 12345"})
    EXPECT_FALSE(matchTotp(kSeed, bad, 59, std::nullopt)) << bad;
}

TEST(Base32, Rfc4648VectorsAndSeeds) {
  EXPECT_EQ(base32Encode(""), "");
  EXPECT_EQ(base32Encode("f", true), "MY======");
  EXPECT_EQ(base32Encode("fo", true), "MZXQ====");
  EXPECT_EQ(base32Encode("foobar", true), "MZXW6YTBOI======");
  EXPECT_EQ(base32Encode("foobar"), "MZXW6YTBOI");
  EXPECT_EQ(base32Encode(kSeed), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
  EXPECT_EQ(*base32Decode("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"), kSeed);
  EXPECT_EQ(*base32Decode("JBSWY3DPEHPK3PXP"), std::string("Hello!\xDE\xAD\xBE\xEF"));
  EXPECT_EQ(*base32Decode("mzxw6ytboi======"), "foobar");
  EXPECT_FALSE(base32Decode("MZXW 6YTB"));
  EXPECT_FALSE(base32Decode("MZXW1"));
}

TEST(Otpauth, UriFormat) {
  EXPECT_EQ(otpauthUri("ACME Co", "john.doe@email.com", "HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ"),
            "otpauth://totp/ACME%20Co:john.doe@email.com?secret=HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ"
            "&issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30");
  EXPECT_EQ(otpauthUri("Agape", "a:b+c@x.ng", "JBSWY3DPEHPK3PXP"),
            "otpauth://totp/Agape:a%3Ab%2Bc@x.ng?secret=JBSWY3DPEHPK3PXP&issuer=Agape&algorithm=SHA1&digits=6&period=30");
}

TEST(Otpauth, QrSvgIsAStandaloneSquareImage) {
  std::string svg = qrSvg("otpauth://totp/Agape:ada@example.ng?secret=JBSWY3DPEHPK3PXP&issuer=Agape");
  EXPECT_EQ(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ", 0), 0u) << svg.substr(0, 80);
  EXPECT_NE(svg.find("<path fill=\"#000\" d=\"M4,4h1v1h-1z"), std::string::npos);  // the finder pattern's corner
  EXPECT_TRUE(svg.ends_with("</svg>"));
}

}  // namespace
}  // namespace agape::auth
