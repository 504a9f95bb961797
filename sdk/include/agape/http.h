#pragma once
// Request, response and route declarations. Free of Pistache: the kernel
// translates to and from its HTTP server.

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "agape/version.h"

namespace agape {

enum class Method { Get, Head, Post, Put, Patch, Delete, Options };

const char* methodName(Method m) noexcept;  // "GET" ...
std::optional<Method> parseMethod(std::string_view name) noexcept;

// Header list with case-insensitive names, in arrival order.
class Headers {
 public:
  std::optional<std::string_view> get(std::string_view name) const;
  bool has(std::string_view name) const { return get(name).has_value(); }
  void set(std::string name, std::string value);  // replaces every earlier value
  void add(std::string name, std::string value);  // keeps earlier values
  void remove(std::string_view name);
  const std::vector<std::pair<std::string, std::string>>& all() const { return items_; }

 private:
  std::vector<std::pair<std::string, std::string>> items_;
};

// The authenticated caller. The kernel knows only an id, a session and role
// names; the auth plugin fills them in.
struct Principal {
  std::string id;
  std::string sessionId;
  std::vector<std::string> roles;
  bool hasRole(std::string_view role) const;
};

class Request {
 public:
  Method method = Method::Get;
  std::string path;           // decoded path, without the query
  std::string routeTemplate;  // "/v1/products/:id" once routed
  std::string rawQuery;
  std::string body;  // raw bytes, exactly as received
  Headers headers;
  std::vector<std::pair<std::string, std::string>> pathParams;
  std::vector<std::pair<std::string, std::string>> queryParams;  // decoded
  std::string requestId;
  std::string clientIp;
  std::optional<Principal> principal;

  std::optional<std::string_view> param(std::string_view name) const;
  std::optional<std::string_view> query(std::string_view name) const;
  std::optional<std::string_view> header(std::string_view name) const { return headers.get(name); }
  // The path parameter; a missing one is a bug in the route, reported as 500.
  std::string_view requireParam(std::string_view name) const;
};

// The body of a streamed response, written by its producer on a worker thread.
class BodyWriter {
 public:
  virtual ~BodyWriter() = default;
  // Appends bytes. Buffers up to a chunk (~64 KiB) and sends it, waiting while
  // the client is slow to read (at most one chunk in flight: memory stays flat).
  // Throws agape::ClientGone when the client has gone or has not read for server.sendTimeout.
  virtual void write(std::string_view bytes) = 0;
};
// Runs after the handler returned, on the worker thread that ran it.
// OWNERSHIP: it must own (capture by value) what it reads; the Request stays
// valid until it returns. Nothing is sent before its first chunk fills, so a
// throw before that is answered like a handler's; a throw after it cuts the
// body short and closes the connection.
using BodyProducer = std::function<void(BodyWriter&)>;
// Thrown by BodyWriter::write: nobody is reading any more, so stop producing.
struct AGAPE_API ClientGone : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class Response {
 public:
  int status = 200;
  Headers headers;
  std::string contentType;  // empty with an empty body
  std::string body;
  BodyProducer producer;  // when set, the body is streamed and `body` is unused

  static Response json(std::string body, int status = 200);
  static Response text(std::string body, std::string contentType = "text/plain; charset=utf-8",
                       int status = 200);
  static Response noContent();
  static Response withStatus(int code);
  // A body too large to hold in memory (an export): sent in chunks as
  // `producer` writes it, never whole. Middleware sees headers and status
  // only; HEAD sends the headers without running the producer.
  static Response stream(std::string contentType, BodyProducer producer, int status = 200);
};

using Handler = std::function<Response(Request&)>;

// Who may call a route.
enum class Access {
  Public,         // anyone; a valid token still attaches the principal
  Authenticated,  // any signed-in user
  Roles,          // signed-in with one of RouteOptions::roles
  // Signed in; the object belongs to a user, and the handler names that user
  // through Call::authorizeOwner (agape/contract.h): the owner and holders of
  // RouteOptions::roles pass, anybody else gets 404.
  Owner,
};

struct RouteContract;

struct RouteOptions {
  Access access = Access::Public;
  std::vector<std::string> roles;       // used with Access::Roles
  std::string rateLimitClass = "default";  // a class of kernel.rateLimits; "none" disables
  std::size_t bodyLimit = 0;            // bytes; 0 = server.maxBodyBytes
  // Accepted request media types for requests with a body; empty = any.
  std::vector<std::string> consumes = {"application/json"};
  // Handlers run on the worker pool by default, so blocking work (DB, hashing)
  // never stalls the network threads. A handler that only touches memory may
  // run inline on the network thread instead.
  bool runInline = false;

  // OpenAPI: summary, description and tag; the schemas of the body, query
  // and response come from the route's Contract (agape/contract.h).
  std::string summary;
  std::string description;
  std::string tag;
  int successStatus = 200;
  std::string successContentType = "application/json";

  // Optional, for worker-pool routes whose answer is often in memory (a
  // response cache): runs first on the network thread, after the whole
  // middleware chain (authentication, roles, rate limit). A Response is sent
  // as is; std::nullopt hands the request to the worker pool, where the
  // middleware chain and then the handler run as usual. It must not block
  // or touch the database. Saves two thread hand-offs per answered request.
  std::function<std::optional<Response>(Request&)> fastPath;

  // Set by a typed declaration (Routes::post & co. with a Contract): the
  // request and response schemas, for OpenAPI and response checks.
  std::shared_ptr<const RouteContract> contract;
};

// Route registration, open during provision only. Path templates use
// ":name" segments ("/v1/products/:id"). A second route with the same method
// and an equivalent template is refused at start-up.
class Routes {
 public:
  virtual ~Routes() = default;
  virtual void add(Method method, std::string pathTemplate, Handler handler,
                   RouteOptions options = {}) = 0;

  // A raw route: the handler reads the Request as it came (a webhook's
  // signed bytes, a file upload, a stream); no body or query is decoded and
  // OpenAPI knows only the options. Everything else declares a Contract.
  void get(std::string p, Handler h, RouteOptions o = {}) { add(Method::Get, std::move(p), std::move(h), std::move(o)); }
  void post(std::string p, Handler h, RouteOptions o = {}) { add(Method::Post, std::move(p), std::move(h), std::move(o)); }
  void put(std::string p, Handler h, RouteOptions o = {}) { add(Method::Put, std::move(p), std::move(h), std::move(o)); }
  void patch(std::string p, Handler h, RouteOptions o = {}) { add(Method::Patch, std::move(p), std::move(h), std::move(o)); }
  void del(std::string p, Handler h, RouteOptions o = {}) { add(Method::Delete, std::move(p), std::move(h), std::move(o)); }

  // A typed route: `contract` is an agape::Contract (agape/contract.h), which
  // decodes the request for `handler` and encodes what it returns.
  template <class C, class F>
  void get(std::string p, const C& contract, RouteOptions o, F handler) { declare(Method::Get, std::move(p), contract, std::move(o), std::move(handler)); }
  template <class C, class F>
  void post(std::string p, const C& contract, RouteOptions o, F handler) { declare(Method::Post, std::move(p), contract, std::move(o), std::move(handler)); }
  template <class C, class F>
  void put(std::string p, const C& contract, RouteOptions o, F handler) { declare(Method::Put, std::move(p), contract, std::move(o), std::move(handler)); }
  template <class C, class F>
  void patch(std::string p, const C& contract, RouteOptions o, F handler) { declare(Method::Patch, std::move(p), contract, std::move(o), std::move(handler)); }
  template <class C, class F>
  void del(std::string p, const C& contract, RouteOptions o, F handler) { declare(Method::Delete, std::move(p), contract, std::move(o), std::move(handler)); }

 private:
  template <class C, class F>
  void declare(Method m, std::string p, const C& contract, RouteOptions o, F handler) {
    Handler h = bindContract(contract, o, std::move(handler));  // found with C, in agape/contract.h
    add(m, std::move(p), std::move(h), std::move(o));
  }
};

}  // namespace agape
