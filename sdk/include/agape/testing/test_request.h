#pragma once
// In-process requests to the routes a plugin registered. A request runs
// through the kernel's own middleware: routing (404, 405 with Allow),
// UTF-8 checks of parameters, body limits (413), content types (415), the
// route's access (401 without a caller, 403 without one of its roles) and
// the problem mapping (a thrown agape::Problem, a database error or any
// other exception becomes the problem+json answer the server sends), with
// request ids and security headers; then the fast path, if the route has
// one, and the handler. There is no socket, rate limit or CORS.
//
//   auto r = ctx.request(agape::Method::Post, "/v1/cart/items?expand=lines")
//                .as("u-ada", {"customer"})
//                .json(R"({"variantId": "v-1", "quantity": 2})")
//                .header("Idempotency-Key", "k-1")
//                .send();
//   EXPECT_EQ(r.status, 201) << r.body;

#include <concepts>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "agape/http.h"
#include "agape/version.h"

namespace agape::testing {

// A Response, with readers for what tests look at.
class AGAPE_API TestResponse : public Response {
 public:
  TestResponse() = default;
  explicit TestResponse(Response response) : Response(std::move(response)) {}

  // A header's value; "" when absent.
  std::string header(std::string_view name) const;
  // The `code` of a problem+json body; "" for any other body.
  std::string problemCode() const;
  // The fields a problem's `errors` name, in order.
  std::vector<std::string> problemFields() const;

  // The handler returned Response::stream(...): `body` holds everything
  // the producer wrote (it ran to the end before send() returned).
  bool streamed = false;
};

class AGAPE_API TestRequest {
 public:
  using Sender = std::function<TestResponse(Request)>;
  // `target` is the path with its query, as a client sends it
  // ("/v1/products?page=2&q=ankara%20dress").
  TestRequest(Sender sender, Method method, std::string_view target);

  // The caller, as the Authenticator would have made it: no credentials
  // are checked, the route's access and roles are. Without as(), an
  // Authorization header goes to the Authenticator service, if one was
  // provided (the real auth plugin, or a fake).
  TestRequest& as(Principal principal);
  TestRequest& as(std::string userId, std::vector<std::string> roles = {});
  TestRequest& header(std::string name, std::string value);
  // A JSON body (text, or anything with dump(), such as agape::Json) sent
  // as application/json.
  TestRequest& json(std::string text);
  template <class J>
    requires requires(const J& j) {
      { j.dump() } -> std::convertible_to<std::string>;
    }
  TestRequest& json(const J& value) {
    return json(std::string(value.dump()));
  }
  TestRequest& body(std::string bytes, std::string contentType);
  // The client's address (127.0.0.1 by default).
  TestRequest& from(std::string clientIp);

  TestResponse send();

 private:
  Sender sender_;
  Request request_;
};

}  // namespace agape::testing
