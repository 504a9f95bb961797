#include "db/sql_placeholders.h"

#include <gtest/gtest.h>

namespace agape::kernel {
namespace {

TEST(SqlPlaceholdersTest, NumbersEachOccurrenceInOrder) {
  auto q = toPositional("SELECT * FROM t WHERE a = :id AND b = :id_2 OR c = :id", PlaceholderStyle::Question);
  EXPECT_EQ(q.sql, "SELECT * FROM t WHERE a = ?1 AND b = ?2 OR c = ?3");
  EXPECT_EQ(q.count, 3u);
  auto r = toPositional("UPDATE t SET a = :a WHERE id = :id", PlaceholderStyle::Dollar);
  EXPECT_EQ(r.sql, "UPDATE t SET a = $1 WHERE id = $2");
  EXPECT_EQ(r.count, 2u);
}

TEST(SqlPlaceholdersTest, LeavesLiteralsIdentifiersCastsAndBodiesAlone) {
  const std::string sql =
      "SELECT ':a', 'it''s :b', \"col:c\", x::text, $$ :d $$, $tag$ ':e' $tag$, arr[1:2], :real FROM t";
  auto q = toPositional(sql, PlaceholderStyle::Question);
  EXPECT_EQ(q.count, 1u);
  EXPECT_EQ(q.sql,
            "SELECT ':a', 'it''s :b', \"col:c\", x::text, $$ :d $$, $tag$ ':e' $tag$, arr[1:2], ?1 FROM t");
}

TEST(SqlPlaceholdersTest, LeavesCommentsAlone) {
  const std::string sql = "SELECT :a -- note: :b\n/* :c */ FROM t";
  auto q = toPositional(sql, PlaceholderStyle::Question);
  EXPECT_EQ(q.count, 1u);
  EXPECT_EQ(q.sql, "SELECT ?1 -- note: :b\n/* :c */ FROM t");
  auto r = toPositional(sql, PlaceholderStyle::Dollar);
  EXPECT_EQ(r.count, 1u);
  EXPECT_EQ(r.sql, "SELECT $1 -- note: :b\n/* :c */ FROM t");
}

TEST(SqlPlaceholdersTest, ToleratesUnterminatedConstructs) {
  EXPECT_EQ(toPositional("SELECT 'open :a", PlaceholderStyle::Question).count, 0u);
  EXPECT_EQ(toPositional("SELECT :a /* open", PlaceholderStyle::Question).count, 1u);
  EXPECT_EQ(toPositional("SELECT :", PlaceholderStyle::Question).sql, "SELECT :");
}

}  // namespace
}  // namespace agape::kernel
