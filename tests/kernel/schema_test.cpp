// The SDK's typed contracts: one Schema<T> decodes, validates, encodes and
// documents a JSON document; a Contract binds them to a route's handler.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "agape/contract.h"
#include "agape/roles.h"

namespace agape {
namespace {

using Json = nlohmann::json;

enum class Colour { Red, Indigo };
const Names<Colour> kColours{{Colour::Red, "red"}, {Colour::Indigo, "indigo"}};

struct Line {
  std::string variantId;
  long long quantity = 1;
};
struct Order {
  std::string email;
  std::string note;
  std::optional<std::string> coupon;
  Colour colour = Colour::Red;
  std::vector<Line> items;
  std::optional<Timestamp> deliverBy;
  bool gift = false;
  double weight = 0;
  JsonText attributes;
  std::vector<std::string> tags;
};

Schema<Line> lineSchema() {
  return Schema<Line>()
      .field("variantId", &Line::variantId, {.minLength = 1, .maxLength = 10})
      .field("quantity", &Line::quantity, {.optional = true, .min = 1, .max = 5});
}

Schema<Order> orderSchema() {
  return Schema<Order>("An order")
      .field("email", &Order::email, {.trim = true, .format = "email"})
      .field("note", &Order::note,
             {.optional = true, .maxLength = 3, .verify = [](const std::string& s) { return s == "bad" ? "is bad" : ""; }})
      .field("coupon", &Order::coupon, {.omitWhenNull = true})
      .field("colour", &Order::colour, kColours, {.optional = true})
      .field("items", &Order::items, lineSchema(), {.maxItems = 3})
      .field("deliverBy", &Order::deliverBy)
      .field("gift", &Order::gift, {.optional = true})
      .field("weight", &Order::weight, {.optional = true, .min = 0})
      .field("attributes", &Order::attributes, {.optional = true})
      .field("tags", &Order::tags, {.optional = true, .maxLength = 4, .maxItems = 2})
      .check([](const Order& o, std::vector<FieldError>& errors) {
        if (o.gift && o.items.empty()) errors.push_back({"items", "a gift needs at least one item"});
      });
}

std::vector<FieldError> errorsOf(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Problem& p) {
    EXPECT_EQ(p.status(), 400);
    return p.errors();
  }
  ADD_FAILURE() << "no Problem thrown";
  return {};
}

std::string listed(const std::vector<FieldError>& errors) {
  std::string out;
  for (const auto& e : errors) out += e.field + ": " + e.message + "\n";
  return out;
}

TEST(SchemaTest, DecodesTypedValuesAndKeepsDefaults) {
  const auto o = orderSchema().decode(
      R"({"email":"  ada@example.com ","items":[{"variantId":"v1"},{"variantId":"v2","quantity":3}],)"
      R"("colour":"indigo","deliverBy":"2026-11-24T10:15:00Z","attributes":{"fit":["slim",1]},"tags":["ẹwà"]})");
  EXPECT_EQ(o.email, "ada@example.com");
  ASSERT_EQ(o.items.size(), 2U);
  EXPECT_EQ(o.items[0].quantity, 1);
  EXPECT_EQ(o.items[1].quantity, 3);
  EXPECT_EQ(o.colour, Colour::Indigo);
  ASSERT_TRUE(o.deliverBy);
  EXPECT_EQ(o.deliverBy->ms, 1795515300000LL);
  EXPECT_FALSE(o.coupon);
  EXPECT_EQ(Json::parse(o.attributes.text), Json::parse(R"({"fit":["slim",1]})"));
  EXPECT_EQ(o.tags, std::vector<std::string>{"ẹwà"});  // four bytes over, three characters
}

TEST(SchemaTest, CollectsEveryProblemWithItsFieldPath) {
  const auto errors = errorsOf([] {
    orderSchema().decode(R"({"email":"nope","note":"long","items":[{"variantId":""},{"variantId":"v","quantity":9},7],)"
                         R"("colour":"green","deliverBy":"soon","gift":"yes","weight":-1,"extra":1,"tags":["a","b","c"]})");
  });
  EXPECT_EQ(listed(errors),
            "email: must be an email address\n"
            "note: must be at most 3 characters\n"
            "colour: must be one of red, indigo\n"
            "items[0].variantId: must be a string of 1 to 10 characters\n"
            "items[1].quantity: must be an integer between 1 and 5\n"
            "items[2]: must be an object\n"
            "deliverBy: must be an RFC 3339 time (2026-11-24T10:15:00Z)\n"
            "gift: must be true or false\n"
            "weight: must be a number of at least 0\n"
            "tags: must have 0 to 2 items\n"
            "extra: unknown field\n");
}

TEST(SchemaTest, RequiredNullAndNulAreNamed) {
  EXPECT_EQ(listed(errorsOf([] { orderSchema().decode(""); })), "email: is required\nitems: is required\n");
  EXPECT_EQ(listed(errorsOf([] { orderSchema().decode(R"({"email":null,"items":[],"coupon":null})"); })),
            "email: must not be null\n");
  EXPECT_EQ(listed(errorsOf([] { orderSchema().decode(R"({"email":"a\u0000@b.c","items":[]})"); })),
            "email: must not contain NUL characters\n");
  EXPECT_EQ(listed(errorsOf([] { orderSchema().decode(R"({"email":"a@b.c","items":[{"variantId":"v","quantity":1.5}]})"); })),
            "items[0].quantity: must be an integer between 1 and 5\n");
}

// PostgreSQL stores no NUL, so none gets in through a document kept as it is
// or through the keys of a map.
TEST(SchemaTest, ALenientDecodeSkipsUnknownFieldsAtEveryDepthAndKeepsEveryOtherRule) {
  const auto order = orderSchema().decodeLenient(
      R"({"email":"ada@example.com","items":[{"variantId":"v1","quantity":2,"giftWrap":true}],"channel":"app"})");
  EXPECT_EQ(order.email, "ada@example.com");
  EXPECT_EQ(order.items[0].quantity, 2);
  EXPECT_EQ(listed(errorsOf([] { orderSchema().decodeLenient(R"({"items":[{"quantity":9}],"channel":"app"})"); })),
            "email: is required\nitems[0].variantId: is required\nitems[0].quantity: must be an integer between 1 and 5\n");
  EXPECT_EQ(listed(errorsOf([] { orderSchema().decode(R"({"email":"ada@example.com","items":[],"channel":"app"})"); })),
            "channel: unknown field\n")
      << "a request still refuses them";
}

TEST(SchemaTest, NulIsRefusedInsideDocumentsAndMapKeys) {
  struct Doc {
    JsonText attributes;
    std::map<std::string, std::string> labels;
  };
  const auto doc = Schema<Doc>()
                       .field("attributes", &Doc::attributes, {.optional = true})
                       .field("labels", &Doc::labels, {.optional = true});
  EXPECT_EQ(listed(errorsOf([&] { doc.decode(R"({"attributes":{"a":["x","y\u0000"]}})"); })),
            "attributes.a[1]: must not contain NUL characters\n");
  EXPECT_EQ(listed(errorsOf([&] { doc.decode(R"({"labels":{"k\u0000":"v","ok":"w"}})"); })),
            "labels.k: must not contain NUL characters\n");
  EXPECT_EQ(doc.decode(R"({"attributes":{"a":"\u00e9"},"labels":{"ok":"w"}})").attributes.text, R"({"a":"é"})");
}

TEST(SchemaTest, AFieldMayVerifyItself) {
  EXPECT_EQ(listed(errorsOf([] { orderSchema().decode(R"({"email":"a@b.co","items":[],"note":"bad"})"); })),
            "note: is bad\n");
}

TEST(SchemaTest, ChecksAcrossFieldsRunOnceTheFieldsAreValid) {
  EXPECT_EQ(listed(errorsOf([] { orderSchema().decode(R"({"email":"a@b.co","items":[],"gift":true})"); })),
            "items: a gift needs at least one item\n");
  // A field problem first: the cross-field check does not add noise.
  EXPECT_EQ(listed(errorsOf([] { orderSchema().decode(R"({"email":"x","items":[],"gift":true})"); })),
            "email: must be an email address\n");
}

TEST(SchemaTest, MalformedBodiesAreBadRequests) {
  for (const char* body : {"{", "[1]", "\"text\"", "{\"email\":\"\xff\"}"}) {
    try {
      orderSchema().decode(body);
      ADD_FAILURE() << body;
    } catch (const Problem& p) {
      EXPECT_EQ(p.status(), 400) << body;
      EXPECT_EQ(p.code(), "validation_failed") << body;
    }
  }
}

TEST(SchemaTest, EncodesWhatItDecodesAndTheOracleAgrees) {
  Order o;
  o.email = "ada@example.com";
  o.note = "\"\n\x01";
  o.items = {{"v1", 2}};
  o.colour = Colour::Indigo;
  o.deliverBy = Timestamp{1795515300250LL};
  o.attributes.text = R"({"fit":"slim"})";
  const std::string text = orderSchema().encode(o);
  EXPECT_EQ(text,
            R"({"email":"ada@example.com","note":"\"\n\u0001","colour":"indigo","items":[{"variantId":"v1","quantity":2}],)"
            R"("deliverBy":"2026-11-24T10:15:00.250Z","gift":false,"weight":0,"attributes":{"fit":"slim"},"tags":[]})");
  EXPECT_EQ(listed(schema::check(*orderSchema().shape(), text)), "");
  const auto back = orderSchema().decode(R"({"email":"ada@example.com","items":[{"variantId":"v1","quantity":2}]})");
  EXPECT_EQ(back.items[0].quantity, 2);
}

TEST(SchemaTest, TheResponseOracleWantsEveryPromisedField) {
  const auto shape = orderSchema().shape();
  // A nullable field must be written (null), unless it is left out by rule.
  EXPECT_EQ(listed(schema::check(*shape, R"({"email":"a@b.co","items":[]})")), "deliverBy: is required\n");
  EXPECT_EQ(listed(schema::check(*shape, R"({"email":"a@b.co","items":[],"deliverBy":null,"colour":3,"more":1})")),
            "colour: must be one of red, indigo\nmore: unknown field\n");
  EXPECT_EQ(listed(schema::check(*shape, "not json")), "body: is not JSON\n");
}

TEST(SchemaTest, BrokenStoredTextStillMakesValidJson) {
  Line l{"v\xff\xfe", 1};
  const auto text = lineSchema().encode(l);
  EXPECT_TRUE(Json::accept(text)) << text;
}

struct Change {
  Patch<long long> threshold;
  Patch<std::string> name;
};

TEST(SchemaTest, PatchFieldsTellAbsentFromNull) {
  const auto change = Schema<Change>()
                          .field("threshold", &Change::threshold, {.min = 0, .max = 10})
                          .field("name", &Change::name, {.minLength = 1});
  const auto a = change.decode(R"({"threshold":null})");
  EXPECT_TRUE(a.threshold.given);
  EXPECT_FALSE(a.threshold.value);
  EXPECT_FALSE(a.name.given);
  const auto b = change.decode(R"({"threshold":4,"name":"x"})");
  EXPECT_EQ(b.threshold.value, 4);
  EXPECT_EQ(b.name.value, "x");
  EXPECT_EQ(listed(errorsOf([&] { change.decode(R"({"threshold":11,"name":""})"); })),
            "threshold: must be an integer between 0 and 10\nname: must not be empty\n");
  EXPECT_EQ(change.encode(a), R"({"threshold":null})");
  const auto open = nlohmann::json::parse(schema::openApi(*change.shape(), true));
  EXPECT_FALSE(open.contains("required"));
  EXPECT_EQ(open["properties"]["threshold"]["nullable"], true);
}

TEST(SchemaTest, APatchFieldMayRefuseNull) {
  const auto change = Schema<Change>()
                          .field("threshold", &Change::threshold)
                          .field("name", &Change::name, {.refuseNull = true, .minLength = 1});
  EXPECT_FALSE(change.decode(R"({"threshold":1})").name.given) << "left out is still fine";
  EXPECT_EQ(change.decode(R"({"name":"x"})").name.value, "x");
  EXPECT_EQ(listed(errorsOf([&] { change.decode(R"({"threshold":null,"name":null})"); })),
            "name: must not be null\n");
  const auto open = nlohmann::json::parse(schema::openApi(*change.shape(), true));
  EXPECT_EQ(open["properties"]["threshold"]["nullable"], true);
  EXPECT_FALSE(open["properties"]["name"].contains("nullable")) << open.dump();
}

struct Tally {
  std::map<std::string, long long> byStatus;
  std::map<std::string, std::optional<double>> change;
};

TEST(SchemaTest, MapsAreObjectsOfAnyKeys) {
  const auto tally = Schema<Tally>()
                         .field("byStatus", &Tally::byStatus, {.min = 0})
                         .field("change", &Tally::change);
  const auto t = tally.decode(R"({"byStatus":{"paid":3,"pending":1},"change":{"revenue":0.25,"orders":null}})");
  EXPECT_EQ(t.byStatus.at("paid"), 3);
  EXPECT_FALSE(t.change.at("orders"));
  EXPECT_EQ(tally.encode(t), R"({"byStatus":{"paid":3,"pending":1},"change":{"orders":null,"revenue":0.25}})");
  EXPECT_EQ(listed(errorsOf([&] { tally.decode(R"({"byStatus":{"paid":-1},"change":[]})"); })),
            "byStatus.paid: must be an integer of at least 0\nchange: must be an object\n");
  const auto open = nlohmann::json::parse(schema::openApi(*tally.shape(), false));
  EXPECT_EQ(open["properties"]["byStatus"]["additionalProperties"]["type"], "integer");
  EXPECT_EQ(open["properties"]["change"]["additionalProperties"]["nullable"], true);
}

struct ListQuery {
  int page = 1;
  int limit = 20;
  std::optional<std::string> q;
  std::optional<Colour> colour;
  std::optional<Timestamp> from;
  bool inStock = false;
  std::vector<std::string> facets;
};

Schema<ListQuery> listQuery() {
  Schema<ListQuery> s;
  withPages(s)
      .field("q", &ListQuery::q, {.maxLength = 5})
      .field("colour", &ListQuery::colour, kColours)
      .field("from", &ListQuery::from)
      .field("inStock", &ListQuery::inStock, {.optional = true})
      .field("facets", &ListQuery::facets, {.optional = true, .maxItems = 2, .oneOf = {"size", "colour"}});
  return s;
}

TEST(SchemaTest, QueryParametersAreTextReadByTheirKind) {
  const auto q = listQuery().decodeQuery(
      {{"page", "3"}, {"colour", "red"}, {"from", "2026-11-24"}, {"inStock", "true"}, {"facets", "size,colour"}});
  EXPECT_EQ(q.page, 3);
  EXPECT_EQ(q.limit, 20);
  EXPECT_EQ(q.colour, Colour::Red);
  EXPECT_EQ(q.from->ms, 1795478400000LL);
  EXPECT_TRUE(q.inStock);
  EXPECT_EQ(q.facets, (std::vector<std::string>{"size", "colour"}));
  EXPECT_EQ(listed(errorsOf([] {
              listQuery().decodeQuery({{"page", "0"}, {"limit", "x"}, {"q", "toolong"}, {"page", "2"}, {"sort", "a"},
                                       {"from", "yesterday"}, {"inStock", "maybe"}, {"facets", "size,price"}});
            })),
            "page: must be an integer between 1 and 1000000\n"
            "limit: must be an integer between 1 and 100\n"
            "q: must be at most 5 characters\n"
            "page: must be given once\n"
            "sort: is not a known parameter\n"
            "from: must be a date (2026-11-24) or an RFC 3339 time (2026-11-24T10:15:00Z)\n"
            "inStock: must be true or false\n"
            "facets: must be one of size, colour\n");
}

TEST(SchemaTest, OpenApiSaysWhatIsRequiredInEachDirection) {
  const Json request = Json::parse(schema::openApi(*orderSchema().shape(), true));
  EXPECT_EQ(request["required"], Json::parse(R"(["email","items"])"));
  EXPECT_EQ(request["additionalProperties"], false);
  EXPECT_EQ(request["description"], "An order");
  EXPECT_EQ(request["properties"]["colour"]["enum"], Json::parse(R"(["red","indigo"])"));
  EXPECT_EQ(request["properties"]["items"]["maxItems"], 3);
  EXPECT_EQ(request["properties"]["items"]["items"]["properties"]["quantity"]["maximum"], 5);
  EXPECT_EQ(request["properties"]["deliverBy"]["format"], "date-time");
  EXPECT_EQ(request["properties"]["deliverBy"]["nullable"], true);
  const Json response = Json::parse(schema::openApi(*orderSchema().shape(), false));
  EXPECT_EQ(response["required"], Json::parse(R"(["email","items","deliverBy"])"));
  EXPECT_FALSE(response.contains("additionalProperties"));
  const Json query = Json::parse(schema::openApiQuery(*listQuery().shape()));
  ASSERT_EQ(query.size(), 7U);
  EXPECT_EQ(query[0]["name"], "page");
  EXPECT_EQ(query[0]["in"], "query");
  EXPECT_EQ(query[0]["required"], false);
  EXPECT_EQ(query[0]["schema"]["type"], "integer");
}

// Routes that keep what was declared, as the kernel's collector would.
class CapturedRoutes final : public Routes {
 public:
  void add(Method, std::string path, Handler handler, RouteOptions options) override {
    paths.push_back(std::move(path));
    handlers.push_back(std::move(handler));
    options_.push_back(std::move(options));
  }
  std::vector<std::string> paths;
  std::vector<Handler> handlers;
  std::vector<RouteOptions> options_;
};

Request requestWith(std::string body, std::vector<std::pair<std::string, std::string>> query = {}) {
  Request r;
  r.body = std::move(body);
  r.queryParams = std::move(query);
  r.routeTemplate = "/v1/things/:id";
  r.pathParams = {{"id", "t1"}};
  return r;
}

TEST(ContractTest, DecodesCallsAndEncodes) {
  CapturedRoutes routes;
  routes.post("/v1/things/:id", Contract().body(lineSchema()).returns(lineSchema()), {.successStatus = 201},
              [](Call<Line>& call) {
                Line out = call.body;
                out.variantId += std::string(call.param("id"));
                call.headers.add("Location", "/v1/things/x");
                return out;
              });
  ASSERT_EQ(routes.handlers.size(), 1U);
  ASSERT_TRUE(routes.options_[0].contract);
  EXPECT_TRUE(routes.options_[0].contract->body);
  EXPECT_FALSE(routes.options_[0].contract->query);
  Request req = requestWith(R"({"variantId":"v","quantity":2})");
  const Response r = routes.handlers[0](req);
  EXPECT_EQ(r.status, 201);
  EXPECT_EQ(r.body, R"({"variantId":"vt1","quantity":2})");
  EXPECT_EQ(r.headers.get("Location"), "/v1/things/x");
  Request withQuery = requestWith(R"({"variantId":"v"})", {{"debug", "1"}});
  EXPECT_EQ(listed(errorsOf([&] { routes.handlers[0](withQuery); })), "debug: is not a known parameter\n");
}

TEST(ContractTest, VoidIsNoContentAndAResponsePassesAsIs) {
  CapturedRoutes routes;
  routes.del("/v1/things/:id", Contract(), {}, [](Call<>&) {});
  routes.get("/v1/things/:id", Contract().query(listQuery()), {}, [](Call<None, ListQuery>& call) {
    return Response::text(std::to_string(call.query.page));
  });
  EXPECT_EQ(routes.options_[0].successStatus, 204);
  Request del = requestWith("");
  EXPECT_EQ(routes.handlers[0](del).status, 204);
  Request get = requestWith("", {{"page", "4"}});
  EXPECT_EQ(routes.handlers[1](get).body, "4");
}

TEST(ContractTest, OwnerRoutesShowTheObjectToItsOwnerAndStaffOnly) {
  CapturedRoutes routes;
  routes.get("/v1/things/:id", Contract(),
             {.access = Access::Owner, .roles = {std::string(roles::admin)}}, [](Call<>& call) {
               call.authorizeOwner("u1", "No thing with this id.");
               return Response::text(call.isOwner() ? "owner" : "staff");
             });
  routes.get("/v1/forgetful/:id", Contract(), {.access = Access::Owner}, [](Call<>&) { return Response::text("x"); });
  auto as = [](std::string id, std::vector<std::string> roles) {
    Request r = requestWith("");
    r.principal = Principal{std::move(id), "s", std::move(roles)};
    return r;
  };
  Request owner = as("u1", {"customer"});
  EXPECT_EQ(routes.handlers[0](owner).body, "owner");
  Request admin = as("u2", {"admin"});
  EXPECT_EQ(routes.handlers[0](admin).body, "staff");
  Request other = as("u3", {"customer", "fulfilment"});
  try {
    routes.handlers[0](other);
    ADD_FAILURE() << "another customer saw it";
  } catch (const Problem& p) {
    EXPECT_EQ(p.status(), 404);
    EXPECT_EQ(p.detail(), "No thing with this id.");
  }
  Request anyone = as("u1", {});
  EXPECT_THROW(routes.handlers[1](anyone), std::logic_error);
}

}  // namespace
}  // namespace agape
