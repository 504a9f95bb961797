#include "db/sql_placeholders.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace agape::kernel {
namespace {

using Names = std::vector<std::string>;

// The values `params` binds to `sql`, in parameter order, as text.
std::vector<std::string> bound(const std::string& sql, const Params& params) {
  const PositionalSql statement = toPositional(sql, PlaceholderStyle::Dollar);
  std::vector<const Value*> values;
  bindByName(statement, params, sql, values);
  std::vector<std::string> out;
  for (const Value* v : values) out.push_back(v->isNull() ? "NULL" : v->asString());
  return out;
}

// The message of the std::logic_error binding throws, or "" when it binds.
std::string mismatch(const std::string& sql, const Params& params) {
  try {
    bound(sql, params);
  } catch (const std::logic_error& e) {
    return e.what();
  }
  return "";
}

TEST(SqlPlaceholdersTest, NumbersEachNameOnceInOrderOfFirstAppearance) {
  auto q = toPositional("SELECT * FROM t WHERE a = :id AND b = :id_2 OR c = :id", PlaceholderStyle::Question);
  EXPECT_EQ(q.sql, "SELECT * FROM t WHERE a = ?1 AND b = ?2 OR c = ?1");
  EXPECT_EQ(q.names, (Names{"id", "id_2"}));
  auto r = toPositional("UPDATE t SET a = :a WHERE id = :id AND (b <= :now OR c <= :now)",
                        PlaceholderStyle::Dollar);
  EXPECT_EQ(r.sql, "UPDATE t SET a = $1 WHERE id = $2 AND (b <= $3 OR c <= $3)");
  EXPECT_EQ(r.names, (Names{"a", "id", "now"}));
}

TEST(SqlPlaceholdersTest, ANameUsedTwiceBindsOneValue) {
  const std::string sql = "UPDATE t SET a = :a WHERE id = :id AND b <= :now OR c <= :now";
  EXPECT_EQ(bound(sql, {{"a", 1}, {"id", "x"}, {"now", 5}}), (std::vector<std::string>{"1", "x", "5"}));
  // In any order.
  EXPECT_EQ(bound(sql, {{"now", 5}, {"a", 1}, {"id", "x"}}), (std::vector<std::string>{"1", "x", "5"}));
  EXPECT_EQ(bound(sql, {{"now", nullptr}, {"id", "x"}, {"a", 1}}),
            (std::vector<std::string>{"1", "x", "NULL"}));
}

TEST(SqlPlaceholdersTest, LeavesLiteralsIdentifiersCastsAndBodiesAlone) {
  const std::string sql =
      "SELECT ':a', 'it''s :b', \"col:c\", x::text, :real::bigint, $$ :d $$, $tag$ ':e' $tag$, arr[1:2], "
      ":real FROM t";
  auto q = toPositional(sql, PlaceholderStyle::Question);
  EXPECT_EQ(q.names, (Names{"real"}));
  EXPECT_EQ(q.sql,
            "SELECT ':a', 'it''s :b', \"col:c\", x::text, ?1::bigint, $$ :d $$, $tag$ ':e' $tag$, arr[1:2], "
            "?1 FROM t");
  EXPECT_EQ(bound(sql, {{"real", 3}}), (std::vector<std::string>{"3"}));
  EXPECT_NE(mismatch(sql, {{"real", 3}, {"a", 1}}), "");
}

TEST(SqlPlaceholdersTest, LeavesCommentsAlone) {
  const std::string sql = "SELECT :a -- note: :b\n/* :c */ FROM t";
  auto q = toPositional(sql, PlaceholderStyle::Question);
  EXPECT_EQ(q.names, (Names{"a"}));
  EXPECT_EQ(q.sql, "SELECT ?1 -- note: :b\n/* :c */ FROM t");
  auto r = toPositional(sql, PlaceholderStyle::Dollar);
  EXPECT_EQ(r.sql, "SELECT $1 -- note: :b\n/* :c */ FROM t");
  EXPECT_EQ(bound(sql, {{"a", 1}}), (std::vector<std::string>{"1"}));
}

TEST(SqlPlaceholdersTest, ToleratesUnterminatedConstructs) {
  EXPECT_TRUE(toPositional("SELECT 'open :a", PlaceholderStyle::Question).names.empty());
  EXPECT_EQ(toPositional("SELECT :a /* open", PlaceholderStyle::Question).names, (Names{"a"}));
  EXPECT_EQ(toPositional("SELECT :", PlaceholderStyle::Question).sql, "SELECT :");
}

// The same statement written for each dialect, its names in another order:
// each text binds the same values to the same names.
TEST(SqlPlaceholdersTest, BindsTheSameValuesWhateverOrderEachDialectsTextUses) {
  const std::string pg =
      "WITH picked AS (SELECT id FROM jobs WHERE queue = :queue AND run_at <= :now LIMIT :limit FOR UPDATE) "
      "UPDATE jobs j SET locked_by = :worker, locked_until = :until, run_at = :until, updated_at = :now "
      "FROM picked WHERE j.id = picked.id";
  const std::string sqlite =
      "UPDATE jobs SET locked_by = :worker, locked_until = :until, run_at = :until, updated_at = :now "
      "WHERE id IN (SELECT id FROM jobs WHERE queue = :queue AND run_at <= :now LIMIT :limit)";
  const Params values{{"queue", "q"}, {"now", 10}, {"limit", 5}, {"worker", "w"}, {"until", 20}};
  EXPECT_EQ(bound(pg, values), (std::vector<std::string>{"q", "10", "5", "w", "20"}));
  EXPECT_EQ(bound(sqlite, values), (std::vector<std::string>{"w", "20", "10", "q", "5"}));
  EXPECT_EQ(toPositional(sqlite, PlaceholderStyle::Question).sql,
            "UPDATE jobs SET locked_by = ?1, locked_until = ?2, run_at = ?2, updated_at = ?3 "
            "WHERE id IN (SELECT id FROM jobs WHERE queue = ?4 AND run_at <= ?3 LIMIT ?5)");
}

TEST(SqlPlaceholdersTest, RefusesAMissingValueNamingIt) {
  const std::string message = mismatch("UPDATE t SET a = :a, b = :b WHERE id = :id", {{"a", 1}});
  EXPECT_NE(message.find("no value for :b, :id"), std::string::npos) << message;
  EXPECT_NE(message.find("in: UPDATE t SET a = :a"), std::string::npos) << message;
  EXPECT_NE(mismatch("SELECT :a AS a", {}), "");
}

TEST(SqlPlaceholdersTest, RefusesAValueWithoutPlaceholderNamingIt) {
  const std::string message = mismatch("SELECT 1 FROM t WHERE id = :id", {{"id", 1}, {"idd", 2}});
  EXPECT_NE(message.find("no placeholder for :idd"), std::string::npos) << message;
  EXPECT_EQ(message.find("no value for"), std::string::npos) << message;
  // A name only inside a literal is no placeholder either.
  EXPECT_NE(mismatch("SELECT ':id' FROM t", {{"id", 1}}).find("no placeholder for :id"), std::string::npos);
}

TEST(SqlPlaceholdersTest, RefusesANameGivenTwice) {
  const std::string message =
      mismatch("SELECT 1 FROM t WHERE a = :a AND b = :b", {{"a", 1}, {"a", 2}, {"b", 3}});
  EXPECT_NE(message.find("given twice: :a"), std::string::npos) << message;
  // Even when the count of values happens to match the count of names.
  const std::string swapped = mismatch("SELECT 1 FROM t WHERE a = :a AND b = :b", {{"a", 1}, {"a", 2}});
  EXPECT_NE(swapped.find("no value for :b"), std::string::npos) << swapped;
  EXPECT_NE(swapped.find("given twice: :a"), std::string::npos) << swapped;
}

TEST(SqlPlaceholdersTest, NamesEveryProblemAtOnceAndNoValue) {
  const std::string message =
      mismatch("SELECT 1 FROM t WHERE a = :a AND b = :b", {{"a", "secret-value"}, {"a", 2}, {"c", 3}});
  EXPECT_NE(message.find("no value for :b"), std::string::npos) << message;
  EXPECT_NE(message.find("no placeholder for :c"), std::string::npos) << message;
  EXPECT_NE(message.find("given twice: :a"), std::string::npos) << message;
  EXPECT_EQ(message.find("secret-value"), std::string::npos) << message;
}

TEST(SqlPlaceholdersTest, CachesEachTextOnceAndDropsTheLeastRecentlyUsed) {
  StatementCache cache(PlaceholderStyle::Dollar, 2);
  std::string dropped;
  StatementCache::Entry& a = cache.get("SELECT :a", dropped);
  a.preparedName = "agape_1";
  EXPECT_EQ(&cache.get("SELECT :a", dropped), &a);
  EXPECT_EQ(cache.get("SELECT :b, :b", dropped).positional.sql, "SELECT $1, $1");
  cache.get("SELECT :a", dropped);  // now :b is the least recently used
  cache.get("SELECT :c", dropped);
  EXPECT_EQ(dropped, "");  // :b was never prepared
  EXPECT_EQ(cache.size(), 2u);
  cache.get("SELECT :d", dropped);
  EXPECT_EQ(dropped, "agape_1");
  EXPECT_EQ(cache.forgetPrepared(), 0u);
}

}  // namespace
}  // namespace agape::kernel
