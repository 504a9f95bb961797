// The SDK's byte encodings: standard base64 (RFC 4648 section 10 vectors,
// strict decoding) beside base64url, which must not accept each other's
// alphabets.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include <agape/crypto.h>

namespace {

TEST(Base64Test, Rfc4648VectorsRoundTrip) {
  const std::pair<const char*, const char*> vectors[] = {{"", ""},
                                                         {"f", "Zg=="},
                                                         {"fo", "Zm8="},
                                                         {"foo", "Zm9v"},
                                                         {"foob", "Zm9vYg=="},
                                                         {"fooba", "Zm9vYmE="},
                                                         {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(agape::base64Encode(plain), encoded);
    EXPECT_EQ(agape::base64Decode(encoded), std::string(plain)) << encoded;
  }
  const std::string bytes("\xfb\xff\xbf", 3);
  EXPECT_EQ(agape::base64Encode(bytes), "+/+/");
  EXPECT_EQ(agape::base64UrlEncode(bytes), "-_-_");
}

TEST(Base64Test, DecodingIsStrict) {
  for (const char* bad :
       {"Zg", "Zg=", "Zm8", "Z===", "====", "Zm9v!", "-_-_", "Zh==", "Zm9=", "Zg==Zg==", " Zg=="})
    EXPECT_FALSE(agape::base64Decode(bad).has_value()) << bad;
  EXPECT_FALSE(agape::base64UrlDecode("+/+/").has_value());
}

}  // namespace

namespace agape {
namespace {

TEST(UuidV7, IdsOfOneMillisecondSortInTheOrderMade) {
  std::vector<std::string> ids;
  for (int i = 0; i < 500; ++i) ids.push_back(uuidV7(1'764'979'200'000));
  EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end()));
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), ids.size());
  for (const auto& id : ids) EXPECT_EQ(id.substr(14, 1), "7") << id;
  EXPECT_LT(ids.back(), uuidV7(1'764'979'200'001)) << "the next millisecond sorts after";
}

}  // namespace
}  // namespace agape
