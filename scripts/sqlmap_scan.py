#!/usr/bin/env python3
"""sqlmap against every route of a running Agape server that takes a parameter.

Run by scripts/sqlmap.sh, which starts the server and creates the accounts
admin@, merchant@, customer@ and spare@sqlmap.test. This script logs in, makes
the objects the paths need (a cart line, an order, a payment, a coupon, ...),
reads /openapi.json, marks every path parameter, query parameter and JSON body
field (and the X-Cart-Token and Idempotency-Key headers) with sqlmap's `*`, runs sqlmap in batch mode on each route with a fresh
token of the role the route wants, and prints a summary. Exit status 1 when
sqlmap reports an injection point, when a marked parameter was not tested, when
the server answered 5xx, or when it died.
"""

import argparse
import base64
import json
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

HTTP_METHODS = ("get", "post", "put", "patch", "delete")


class Api:
    def __init__(self, base):
        self.base = base

    def call(self, method, path, body=None, token=None, headers=None, expect=(200, 201, 204)):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data=data, method=method)
        if body is not None:
            req.add_header("Content-Type", "application/json")
        if token:
            req.add_header("Authorization", "Bearer " + token)
        for k, v in (headers or {}).items():
            req.add_header(k, v)
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                status, text = r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            status, text = e.code, e.read().decode()
        if status not in expect:
            raise SystemExit(f"sqlmap_scan: {method} {path} answered {status}: {text[:300]}")
        return json.loads(text) if text.strip().startswith(("{", "[")) else text

    def login(self, email, password):
        return self.call("POST", "/v1/auth/login", {"email": email, "password": password})


def claims(token):
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def fixtures(api, password):
    """Real objects for the paths, bodies and queries that need one."""
    tokens = {who: api.login(f"{who}@sqlmap.test", password) for who in ("admin", "merchant", "customer", "spare")}
    admin, customer = tokens["admin"]["accessToken"], tokens["customer"]["accessToken"]
    f = {"customerId": claims(customer)["sub"], "spareId": claims(tokens["spare"]["accessToken"])["sub"],
         "spareRefresh": tokens["spare"]["refreshToken"]}
    # A second session of the customer, for DELETE /v1/auth/sessions/:id
    # (every route is scanned with a session of its own).
    old = api.login("customer@sqlmap.test", password)
    f["sessionId"] = claims(old["accessToken"])["sid"]

    products = api.call("GET", "/v1/products?limit=3&sort=name")["data"]
    f["productId"], f["productSlug"] = products[0]["id"], products[0]["slug"]
    variant = products[0]["variants"][0]
    f["variantId"], f["size"], f["color"] = variant["id"], variant.get("size") or "M", variant.get("color") or "Black"
    f["productCategorySlug"] = (products[0].get("category") or {}).get("slug")
    f["archiveProductId"] = products[2]["id"]
    cats = api.call("GET", "/v1/products/categories")["data"]
    flat = []

    def walk(nodes):
        for c in nodes:
            flat.append(c)
            walk(c.get("children") or [])

    walk(cats)
    f["categoryId"], f["categorySlug"] = flat[0]["id"], flat[0]["slug"]
    f["otherCategoryId"] = flat[1]["id"]
    spare_cat = api.call("POST", "/v1/categories", {"name": "Sqlmap spare"}, token=admin)
    f["spareCategoryId"] = spare_cat["id"]

    guest = api.call("POST", "/v1/cart/items", {"variantId": f["variantId"], "quantity": 1})
    f["cartToken"], f["guestLineId"] = guest["cartToken"], guest["items"][0]["id"]
    api.call("POST", "/v1/cart/items", {"variantId": f["variantId"], "quantity": 1}, token=customer)
    f["address"] = {"fullName": "Ada Obi", "phone": "08035550101", "line1": "12 Admiralty Way",
                    "city": "Lekki", "state": "Lagos"}
    order = api.call("POST", "/v1/orders", {"shippingAddress": f["address"]}, token=customer,
                     headers={"Idempotency-Key": "sqlmap-fixture"})
    f["orderId"] = order["id"]
    pay = api.call("POST", "/v1/payments/initialize", {"orderId": f["orderId"]}, token=customer)
    f["paymentId"], f["reference"] = pay["paymentId"], pay["reference"]
    # The customer's cart gets a line again for the cart routes.
    line = api.call("POST", "/v1/cart/items", {"variantId": f["variantId"], "quantity": 1}, token=customer)
    f["lineId"] = line["items"][0]["id"]
    coupon = api.call("POST", "/v1/coupons", {"code": "SQLMAP10", "kind": "percent", "value": 10}, token=admin)
    f["couponId"], f["couponCode"] = coupon["id"], coupon["code"]
    media = api.call("GET", "/v1/media?limit=1", token=admin)["data"]
    f["mediaId"] = media[0]["id"] if media else "00000000-0000-0000-0000-000000000000"
    f["mediaFile"] = media[0]["url"].rsplit("/", 1)[-1] if media else "missing.jpg"
    jobs = api.call("GET", "/v1/admin/jobs", token=admin)
    dead = jobs["deadLetters"]["data"]
    f["jobId"] = str(dead[0]["id"]) if dead else "1"
    return f


def path_value(f, method, path, name):
    """The value of path parameter `name` on route METHOD path."""
    specific = {
        ("DELETE", "/v1/products/{idOrSlug}", "idOrSlug"): f["archiveProductId"],
        ("PATCH", "/v1/products/{idOrSlug}", "idOrSlug"): f["productId"],
        ("DELETE", "/v1/categories/{id}", "id"): f["spareCategoryId"],
        ("DELETE", "/v1/cart/items/{id}", "id"): f["guestLineId"],
        ("PATCH", "/v1/admin/users/{id}/roles", "id"): f["spareId"],
    }
    if (method, path, name) in specific:
        return specific[(method, path, name)]
    by_path = [("/v1/auth/sessions/", f["sessionId"]), ("/v1/media/files/", f["mediaFile"]),
               ("/v1/media/", f["mediaId"]), ("/v1/products/", f["productId"]),
               ("/v1/categories/", f["categoryId"]), ("/v1/cart/items/", f["lineId"]),
               ("/v1/orders/", f["orderId"]), ("/v1/payments/", f["paymentId"]),
               ("/v1/coupons/", f["couponId"]), ("/v1/admin/jobs/", f["jobId"])]
    by_name = {"name": "Ada", "idOrSlug": f["productSlug"], "variantId": f["variantId"],
               "reference": f["reference"], "address": "bounced@example.ng", "file": f["mediaFile"]}
    if name in by_name:
        return by_name[name]
    for prefix, value in by_path:
        if path.startswith(prefix):
            return value
    return None


def query_value(f, path, name):
    # Filters the first product matches, so that each answer has rows that
    # a changed value could take away.
    values = {"page": "1", "limit": "5", "category": f["productCategorySlug"] or f["categorySlug"],
              "minPrice": "1", "maxPrice": "900000000", "size": f["size"], "color": f["color"], "inStock": "true", "sort": "price",
              "q": "ankara", "folder": "products", "force": "false", "reassignTo": f["otherCategoryId"],
              "threshold": "5", "couponCode": f["couponCode"], "shippingMethod": "express",
              "from": "2020-01-01", "to": "2030-12-31", "userId": f["customerId"], "period": "daily",
              "by": "revenue", "actor": f["customerId"], "action": "order.created", "entity": "order",
              "entityId": f["orderId"], "queue": "notifications", "kind": "order_confirmation",
              "orderId": f["orderId"]}
    status = {"/v1/orders": "pending", "/v1/payments": "pending", "/v1/admin/payments/refunds": "pending",
              "/v1/admin/notifications": "sent"}
    if name == "status":
        return status.get(path, "pending")
    return values.get(name)


# Bodies the OpenAPI document gives no fields for (schema `{"type": "object"}`).
def sample_bodies(f):
    return {
        ("POST", "/v1/products"): {"name": "Sqlmap dress", "description": "A test", "categoryId": f["categoryId"],
                                   "price": 1500000, "variants": [{"sku": "SQLMAP-1", "size": "M", "color": "Red"}]},
        ("PATCH", "/v1/products/{idOrSlug}"): {"version": 1, "name": "Renamed", "description": "Text",
                                               "categoryId": f["categoryId"], "price": 1600000},
        ("POST", "/v1/products/{id}/variants"): {"version": 1, "sku": "SQLMAP-2", "size": "L", "color": "Blue",
                                                 "price": 1700000},
        ("PATCH", "/v1/products/{id}/variants/{variantId}"): {"version": 1, "size": "S", "color": "Green",
                                                             "status": "active"},
        ("POST", "/v1/categories"): {"name": "Sqlmap", "slug": "sqlmap", "parentId": f["categoryId"]},
        ("PATCH", "/v1/categories/{id}"): {"name": "Sqlmap two", "slug": "sqlmap-two", "parentId": f["otherCategoryId"]},
        ("POST", "/v1/payments/webhook"): {"event": "charge.success",
                                           "data": {"reference": f["reference"], "amount": 100, "status": "success"}},
        ("POST", "/v1/webhooks/resend"): {"type": "email.bounced", "created_at": "2026-01-01T00:00:00Z",
                                          "data": {"email_id": "abc", "to": ["bounced@example.ng"]}},
    }


BODY_VALUES = {
    "email": "nobody@sqlmap.test", "password": "Kente-weaver-2026!", "firstName": "Ada", "lastName": "Obi",
    "phone": "08035550101", "token": "not-a-token", "totp": "123456", "code": "123456", "reason": "sqlmap",
    "trackingNumber": "TRK-1", "status": "processing", "kind": "percent", "fullName": "Ada Obi",
    "line1": "12 Admiralty Way", "line2": "Flat 2", "city": "Lekki", "state": "Lagos", "country": "NG",
    "postalCode": "101233", "shippingMethod": "express", "startsAt": "2026-01-01T00:00:00Z",
    "endsAt": "2030-12-31T23:59:59Z",
}


def example(f, route, name, schema):
    """An example value for a body field (None: leave the field out)."""
    t = schema.get("type")
    if t == "object":
        props = schema.get("properties") or {}
        if not props:
            return None
        return {k: v for k, v in ((k, example(f, route, k, s)) for k, s in props.items()) if v is not None}
    if t == "array":
        item = example(f, route, name, schema.get("items") or {})
        return None if item is None else [item]
    if t == "integer" or t == "number":
        return {"quantity": 1, "value": 10, "amount": 100, "version": 1}.get(name, max(1, schema.get("minimum", 1)))
    if t == "boolean":
        return None
    if "enum" in schema:
        return schema["enum"][0]
    special = {"variantId": f["variantId"], "cartToken": f["cartToken"], "orderId": f["orderId"],
               "refreshToken": f["spareRefresh"], "couponCode": f["couponCode"]}
    if name in special:
        return special[name]
    if route == ("POST", "/v1/auth/register") and name == "email":
        return "new-customer@sqlmap.test"
    if route[0] == "POST" and route[1] == "/v1/coupons" and name == "code":
        return "SQLMAP20"
    if route[0] == "PATCH" and route[1] == "/v1/coupons/{id}" and name == "code":
        return "SQLMAP30"
    return BODY_VALUES.get(name, "sqlmap")


def mark(value, params, path=""):
    """The body with `*` after every string and number; names the marked fields."""
    if isinstance(value, dict):
        return {k: mark(v, params, f"{path}.{k}" if path else k) for k, v in value.items()}
    if isinstance(value, list):
        return [mark(v, params, f"{path}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, bool) or value is None:
        return value
    params.append("body " + path)
    return MarkedNumber(value) if isinstance(value, (int, float)) else value + "*"


class MarkedNumber:
    def __init__(self, n):
        self.n = n


def dump_marked(value):
    if isinstance(value, MarkedNumber):
        return f"{value.n}*"
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(k)}:{dump_marked(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ",".join(dump_marked(v) for v in value) + "]"
    return json.dumps(value)


def role_of(op):
    if not any("bearerAuth" in s for s in op.get("security") or []):
        return None
    roles = op.get("x-roles") or []
    if not roles:
        return "customer"
    return "merchant" if "merchant" in roles else "admin"


def targets(spec, f, base, only):
    out, skipped = [], []
    samples = sample_bodies(f)
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method not in HTTP_METHODS:
                continue
            M = method.upper()
            name = f"{M} {path}"
            if only and not re.search(only, name):
                continue
            params, url_path, query = [], path, []
            for p in (item.get("parameters") or []) + (op.get("parameters") or []):
                if p["in"] == "path":
                    v = path_value(f, M, path, p["name"])
                    if v is None:
                        print(f"sqlmap_scan: no value for path parameter {p['name']} of {name}; using 1", file=sys.stderr)
                        v = "1"
                    url_path = url_path.replace("{" + p["name"] + "}", urllib.parse.quote(v, safe="") + "*")
                    params.append("path " + p["name"])
                elif p["in"] == "query":
                    v = query_value(f, path, p["name"]) or "sqlmap"
                    query.append(f"{p['name']}={urllib.parse.quote(v, safe='')}*")
                    params.append("query " + p["name"])
            data = None
            content = (op.get("requestBody") or {}).get("content") or {}
            if "application/json" in content:
                body = samples.get((M, path))
                if body is None:
                    body = example(f, (M, path), "", content["application/json"].get("schema") or {}) or {}
                data = dump_marked(mark(body, params))
            elif content:
                skipped.append(f"{name} ({', '.join(content)} body not scanned)")
            # Headers the server reads into SQL: a guest's cart token, an
            # order's Idempotency-Key.
            headers = []
            if path.startswith("/v1/cart") and role_of(op) is None:
                headers.append("X-Cart-Token: " + f["cartToken"] + "*")
                params.append("header X-Cart-Token")
            if M == "POST" and path == "/v1/orders":
                headers.append("Idempotency-Key: sqlmap-scan*")
                params.append("header Idempotency-Key")
            if not params:
                continue
            url = base + url_path + ("?" + "&".join(query) if query else "")
            out.append({"name": name, "method": M, "url": url, "data": data, "role": role_of(op),
                        "headers": headers, "params": params})
    # Deletions last, so the objects the other routes read still exist.
    out.sort(key=lambda t: t["method"] == "DELETE")
    return out, skipped


# sqlmap's verdict on each parameter, one line each.
NOT_INJECTABLE = re.compile(r"parameter '([^']*)' does not seem to be injectable")
INJECTABLE = re.compile(r"parameter '([^']*)' is vulnerable")
# A candidate sqlmap dropped after its own false-positive check (an answer
# that echoes the value can look like boolean-based blind injection).
FALSE_POSITIVE = "false positive or unexploitable injection point detected"
FOUND = "identified the following injection point"


def scan(t, i, args, api):
    out_dir = os.path.join(args.work, "sqlmap", f"{i:03d}")
    os.makedirs(out_dir, exist_ok=True)
    cmd = ["sqlmap", "-u", t["url"], "--method", t["method"], "--batch", "--flush-session", "--disable-coloring",
           "--output-dir", out_dir, "--level", str(args.level), "--risk", str(args.risk), "--dbms", args.dbms,
           "--timeout", "15", "--retries", "1", "--skip-waf", "--ignore-code", "401,403,404,409,422,429",
           "--answers", "keep testing=Y,URI injections=N", "-v", "1"]
    if t["data"] is not None:
        cmd += ["--data", t["data"], "-H", "Content-Type: application/json"]
    if t["role"]:
        # A session of its own: a route that ends sessions ends only this one.
        token = api.login(f"{t['role']}@sqlmap.test", args.password)["accessToken"]
        cmd += ["-H", "Authorization: Bearer " + token]
    for h in t["headers"]:
        cmd += ["-H", h]
    # Below level 4 sqlmap passes over parameters named like a token
    # (X-Cart-Token) unless they are named with -p.
    marked = [h.split(":")[0] + " #1*" for h in t["headers"] if h.endswith("*")]
    if marked:
        cmd += ["-p", ",".join(marked)]
    started = time.time()
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, stdin=subprocess.DEVNULL)
    with open(os.path.join(out_dir, "stdout.txt"), "w") as log:
        log.write(" ".join(cmd[:3]) + "\n" + p.stdout)
    tested = len(NOT_INJECTABLE.findall(p.stdout)) + len(INJECTABLE.findall(p.stdout))
    return {"name": t["name"], "planned": len(t["params"]), "tested": tested,
            "found": FOUND in p.stdout, "falsePositives": p.stdout.count(FALSE_POSITIVE),
            "injectable": INJECTABLE.findall(p.stdout), "rc": p.returncode, "seconds": time.time() - started,
            "dir": out_dir, "critical": [l for l in p.stdout.splitlines() if "[CRITICAL]" in l][:3]}


def request_counts(api):
    """(requests, 5xx answers) so far, from /metrics."""
    total = errors = 0
    for line in api.call("GET", "/metrics").splitlines():
        m = re.match(r'agape_http_requests_total\{([^}]*)\} (\S+)', line)
        if m:
            n = int(float(m.group(2)))
            total += n
            errors += n if re.search(r'status="5\d\d"', m.group(1)) else 0
    return total, errors


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", required=True)
    ap.add_argument("--password", required=True)
    ap.add_argument("--dbms", required=True)
    ap.add_argument("--level", type=int, default=1)
    ap.add_argument("--risk", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--only", default="")
    ap.add_argument("--work", required=True)
    ap.add_argument("--server-pid", type=int, required=True)
    ap.add_argument("--label", default="")
    args = ap.parse_args()
    started = time.time()
    api = Api(args.base)
    f = fixtures(api, args.password)
    spec = api.call("GET", "/openapi.json")
    routes = sum(1 for item in spec["paths"].values() for m in item if m in HTTP_METHODS)
    if args.only:
        routes = sum(1 for p, item in spec["paths"].items() for m in item
                     if m in HTTP_METHODS and re.search(args.only, f"{m.upper()} {p}"))
    todo, skipped = targets(spec, f, args.base, args.only)
    with open(os.path.join(args.work, "targets.json"), "w") as out:
        json.dump(todo, out, indent=1)
    requests_before, errors_before = request_counts(api)
    print(f"sqlmap {args.dbms}: {len(todo)} of {routes} routes take parameters, "
          f"{sum(len(t['params']) for t in todo)} parameters; level {args.level}, risk {args.risk}"
          f", {args.jobs} at a time", flush=True)

    results = []
    first = [t for t in todo if t["method"] != "DELETE"]
    last = [t for t in todo if t["method"] == "DELETE"]
    n = 0
    for batch in (first, last):
        with ThreadPoolExecutor(max_workers=args.jobs) as pool:
            futures = [pool.submit(scan, t, n + k, args, api) for k, t in enumerate(batch)]
            for fut in futures:
                r = fut.result()
                results.append(r)
                state = "INJECTABLE" if r["found"] else "ok" if r["tested"] >= r["planned"] else "UNTESTED"
                print(f"  {state:10} {r['name']:55} {r['tested']}/{r['planned']} parameters {r['seconds']:6.1f} s",
                      flush=True)
                for c in r["critical"]:
                    print("             " + c, flush=True)
        n += len(batch)
    alive = True
    try:
        os.kill(args.server_pid, 0)
    except OSError:
        alive = False
    requests = errors = None
    if alive:
        requests, errors = request_counts(api)
        requests, errors = requests - requests_before, errors - errors_before

    found = [r for r in results if r["found"]]
    untested = [r for r in results if r["tested"] < r["planned"]]
    elapsed = time.time() - started
    summary = [
        f"sqlmap {subprocess.run(['sqlmap', '--version'], stdout=subprocess.PIPE, text=True).stdout.split()[0]} "
        f"on {args.label or args.dbms} ({time.strftime('%Y-%m-%d')}): level {args.level}, risk {args.risk}",
        f"routes: {len(results)} scanned of {routes} ({routes - len(todo) - len(skipped)} without parameters"
        + (f"; {len(skipped)} with a body not scanned: {'; '.join(skipped)}" if skipped else "") + ")",
        f"parameters: {sum(r['tested'] for r in results)} tested of {sum(r['planned'] for r in results)} marked"
        + f"; {sum(r['falsePositives'] for r in results)} candidates dropped by sqlmap's false-positive check",
        f"findings: {len(found)}" + "".join(f"\n  {r['name']}: {', '.join(r['injectable']) or 'see ' + r['dir']}"
                                          for r in found),
        f"server: {'alive' if alive else 'DIED'}; "
        + (f"{requests} requests answered during the scan, {errors} of them 5xx" if alive else "no counts"),
        f"time: {elapsed:.0f} s",
    ]
    if untested:
        summary.append("not fully tested: " + "; ".join(f"{r['name']} ({r['tested']}/{r['planned']}, see {r['dir']})"
                                                        for r in untested))
    text = "\n".join(summary)
    print("\n" + text)
    with open(os.path.join(args.work, "summary.txt"), "w") as out:
        out.write(text + "\n")
    # A 5xx on hostile input is a fault of its own (an SQL error, a crash in
    # a handler), injectable or not: the server's log says which.
    return 1 if found or untested or not alive or errors else 0


if __name__ == "__main__":
    sys.exit(main())
