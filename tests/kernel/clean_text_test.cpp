// The SDK's text check at the edge: what PostgreSQL can store as text.
#include <gtest/gtest.h>

#include <agape/text.h>

namespace {

TEST(CleanTextTest, AcceptsUtf8WithoutNul) {
  EXPECT_TRUE(agape::isCleanText(""));
  EXPECT_TRUE(agape::isCleanText("Adire maxi dress"));
  EXPECT_TRUE(agape::isCleanText("\xe1\xba\xb9\xe1\xbb\x8d \xe2\x82\xa6 \xf0\x9f\x91\x97"));  // ẹọ ₦ 👗
}

TEST(CleanTextTest, RefusesBrokenSequencesAndNul) {
  for (const std::string& bad : {std::string("\xff"), std::string("\xc3\x28"), std::string("\xc0\xaf"),
                                std::string("\xed\xa0\x80"), std::string("\xe2\x82"), std::string("\xf4\x90\x80\x80"),
                                std::string("a\0b", 3)})
    EXPECT_FALSE(agape::isCleanText(bad)) << bad.size();
}

TEST(CleanTextTest, CleaningReplacesBrokenSequencesAndDropsNul) {
  EXPECT_EQ(agape::cleanText("Navigat\xe9ur"), "Navigat\xef\xbf\xbdur");
  EXPECT_EQ(agape::cleanText(std::string("a\0b", 3)), "ab");
  EXPECT_EQ(agape::cleanText("\xe1\xba\xb9"), "\xe1\xba\xb9");
  EXPECT_TRUE(agape::isCleanText(agape::cleanText("\xff\xfe\x00\xc0")));
}

}  // namespace
