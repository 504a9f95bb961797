#pragma once
// A route's contract: the types of its request body, query and response,
// each a Schema (agape/schema.h). The SDK decodes and validates the request
// before the handler runs, hands the handler typed values in a Call, and
// encodes what it returns; the kernel writes the OpenAPI operation from the
// same declaration and, with server.checkResponses, checks every response
// against it.
//
//   routes.post("/v1/cart/items", Contract().body(addItem).returns(cart),
//               {.summary = "Adds a variant to the cart", .tag = "cart"},
//               [this](Call<AddItem>& call) { return add(call.body, owner(call.request)); });
//
// The handler returns the response type (sent with the route's
// successStatus, or call.status), void (204), or an agape::Response as it
// is (a stream, a file, a redirect).

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "agape/http.h"
#include "agape/schema.h"

namespace agape {

// No body, no query parameters, or no JSON response.
struct None {};

// What the kernel reads of a route's contract.
struct RouteContract {
  std::shared_ptr<const schema::Shape> body, query, response;
};

template <class B = None, class Q = None, class O = None>
struct Contract {
  std::optional<Schema<B>> bodySchema;
  std::optional<Schema<Q>> querySchema;
  std::optional<Schema<O>> responseSchema;

  template <class B2>
  Contract<B2, Q, O> body(const Schema<B2>& s) const {
    return {s, querySchema, responseSchema};
  }
  template <class Q2>
  Contract<B, Q2, O> query(const Schema<Q2>& s) const {
    return {bodySchema, s, responseSchema};
  }
  template <class O2>
  Contract<B, Q, O2> returns(const Schema<O2>& s) const {
    return {bodySchema, querySchema, s};
  }
};
Contract() -> Contract<>;

// The request as the handler sees it: decoded, validated, typed.
template <class B = None, class Q = None>
class Call {
 public:
  Call(Request& request, const std::vector<std::string>& staff) : request(request), staff_(staff) {}

  Request& request;
  B body{};
  Q query{};
  int status = 0;   // 0: the route's successStatus
  Headers headers;  // added to the response

  // The signed-in caller; a Public route's handler checks request.principal.
  const Principal& principal() const {
    if (!request.principal) throw std::logic_error("agape::Call: the route is public; read request.principal");
    return *request.principal;
  }
  std::string_view param(std::string_view name) const { return request.requireParam(name); }

  // For Access::Owner routes, once the handler knows the object's owner:
  // the owner and the route's roles pass; anybody else is told it does not
  // exist (404 not_found with `detail`), so ids cannot be probed.
  void authorizeOwner(std::string_view ownerId, std::string detail = "Not found.") {
    ownerChecked_ = true;
    owner_ = request.principal && request.principal->id == ownerId;
    if (owner_) return;
    if (request.principal)
      for (const auto& role : staff_)
        if (request.principal->hasRole(role)) return;
    throw Problem::notFound(std::move(detail));
  }
  // After authorizeOwner: whether the caller is the owner (not staff).
  bool isOwner() const { return owner_; }
  bool ownerChecked() const { return ownerChecked_; }

 private:
  const std::vector<std::string>& staff_;
  bool ownerChecked_ = false;
  bool owner_ = false;
};

namespace schema {
// 400 naming every query parameter of a route that takes none.
void refuseQuery(const Request& request);
// An Access::Owner handler that returned without authorizeOwner is a bug.
[[noreturn]] void ownerNotChecked(const Request& request);
void addHeaders(Response& response, const Headers& headers);
}  // namespace schema

// Used by Routes::post & co.: the Handler that decodes, calls and encodes,
// and the contract recorded in `options` for the kernel.
template <class B, class Q, class O, class F>
Handler bindContract(const Contract<B, Q, O>& contract, RouteOptions& options, F handler) {
  auto described = std::make_shared<RouteContract>();
  if (contract.bodySchema) described->body = contract.bodySchema->shape();
  if (contract.querySchema) described->query = contract.querySchema->shape();
  if (contract.responseSchema) described->response = contract.responseSchema->shape();
  using R = std::invoke_result_t<F&, Call<B, Q>&>;
  static_assert(std::is_void_v<R> || std::is_same_v<R, Response> || std::is_same_v<R, O>,
                "a contract handler returns the contract's response type, void (204) or an agape::Response");
  if constexpr (std::is_void_v<R>) {
    if (options.successStatus == 200) options.successStatus = 204;
  }
  options.contract = std::move(described);
  return [contract, handler = std::move(handler), status = options.successStatus,
          owner = options.access == Access::Owner, staff = options.roles](Request& req) mutable -> Response {
    Call<B, Q> call(req, staff);
    if constexpr (std::is_same_v<Q, None>) {
      schema::refuseQuery(req);
    } else {
      call.query = contract.querySchema->decodeQuery(req.queryParams);
    }
    if constexpr (!std::is_same_v<B, None>) call.body = contract.bodySchema->decode(req.body);
    Response response;
    if constexpr (std::is_void_v<R>) {
      handler(call);
      response = Response::withStatus(call.status ? call.status : status);
    } else if constexpr (std::is_same_v<R, Response>) {
      (void)status;  // the handler's Response carries its own
      response = handler(call);
    } else {
      response = Response::json(contract.responseSchema->encode(handler(call)), call.status ? call.status : status);
    }
    if (owner && !call.ownerChecked()) schema::ownerNotChecked(req);
    schema::addHeaders(response, call.headers);
    return response;
  };
}

}  // namespace agape
