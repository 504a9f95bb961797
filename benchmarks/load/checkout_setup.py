"""Setup for benchmarks/load/checkout.sh, through the HTTP API (stdlib only).

  checkout_setup.py stock BASE ADMIN_EMAIL ADMIN_PASSWORD < variant ids
      every variant to 1000 units on hand (bulk adjustments of 500 lines)
  checkout_setup.py customers BASE N PREFIX OUT_USERS OUT_CARTS < variant ids
      registers N customers, logs each in, fills each cart with two random
      variants; OUT_USERS gets "userId token", OUT_CARTS "token lineId"
  checkout_setup.py accounts BASE N PREFIX OUT
      registers N customers only; OUT gets "email password"
  checkout_setup.py orders BASE < "token" lines
      places an order for each (top-up between rows, not measured)
  checkout_setup.py initialize BASE < "token orderId" lines
      initializes a payment for each (top-up between rows, not measured)
  checkout_setup.py webhooks SECRET < "reference amount currency" lines
      prints "signature<TAB>body" per line: a signed charge.success

Requests run on a pool of 8 threads: about as many as the server's
database pool, so setup takes a minute or two rather than ten.
"""
import hashlib
import hmac
import json
import random
import sys
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

PASSWORD = "Bench-Shopper-Pass-2026!"
ADDRESS = {"fullName": "Ada Obi", "phone": "+234 803 555 0101", "line1": "12 Admiralty Way",
           "city": "Lekki", "state": "Lagos", "country": "NG", "postalCode": "106104"}
ORDER_BODY = {"shippingAddress": ADDRESS, "shippingMethod": "standard"}


def call(base, method, path, body=None, token=None, expect=(200, 201)):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = "Bearer " + token
    req = urllib.request.Request(base + path, method=method, headers=headers,
                                 data=None if body is None else json.dumps(body).encode())
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            status, data = r.status, r.read()
    except urllib.error.HTTPError as e:
        status, data = e.code, e.read()
    if status not in expect:
        raise RuntimeError(f"{method} {path}: {status} {data[:300]!r}")
    return json.loads(data) if data else None


def login(base, email, password):
    r = call(base, "POST", "/v1/auth/login", {"email": email, "password": password})
    return r["user"]["id"], r["accessToken"]


def register(base, email):
    call(base, "POST", "/v1/auth/register",
         {"email": email, "password": PASSWORD, "firstName": "Bench", "lastName": "Shopper"})


def run_all(fn, items, what):
    """fn over items on 8 threads, in order; progress on stderr."""
    done = [0]
    lock = threading.Lock()

    def one(item):
        out = fn(item)
        with lock:
            done[0] += 1
            if done[0] % 1000 == 0:
                print(f"  {what}: {done[0]}/{len(items)}", file=sys.stderr)
        return out

    with ThreadPoolExecutor(8) as pool:
        return list(pool.map(one, items))


def stock(base, email, password):
    variants = sys.stdin.read().split()
    _, token = login(base, email, password)
    batches = [variants[i:i + 500] for i in range(0, len(variants), 500)]
    run_all(lambda b: call(base, "POST", "/v1/admin/inventory/bulk-adjust",
                           {"items": [{"variantId": v, "quantity": 1000, "reason": "checkout benchmark"} for v in b]},
                           token), batches, "stock batches")


def customers(base, n, prefix, out_users, out_carts):
    variants = sys.stdin.read().split()

    def one(i):
        email = f"{prefix}-{i:06d}@example.ng"
        register(base, email)
        user_id, token = login(base, email, PASSWORD)
        rng = random.Random(f"{prefix}{i}")
        for v in rng.sample(variants, 2):
            cart = call(base, "POST", "/v1/cart/items", {"variantId": v, "quantity": 1}, token)
        return user_id, token, cart["items"][0]["id"]

    rows = run_all(one, range(n), prefix)
    with open(out_users, "w") as f:
        f.writelines(f"{u} {t}\n" for u, t, _ in rows)
    with open(out_carts, "w") as f:
        f.writelines(f"{t} {line}\n" for _, t, line in rows)


def accounts(base, n, prefix, out):
    emails = [f"{prefix}-{i:06d}@example.ng" for i in range(n)]
    run_all(lambda e: register(base, e), emails, prefix)
    with open(out, "w") as f:
        f.writelines(f"{e} {PASSWORD}\n" for e in emails)


def orders(base):
    tokens = sys.stdin.read().split()
    run_all(lambda t: call(base, "POST", "/v1/orders", ORDER_BODY, t), tokens, "orders")


def initialize(base):
    pairs = [line.split() for line in sys.stdin if line.strip()]
    run_all(lambda p: call(base, "POST", "/v1/payments/initialize", {"orderId": p[1]}, p[0]), pairs, "payments")


def webhooks(secret):
    for line in sys.stdin:
        if not line.strip():
            continue
        reference, amount, currency = line.split()
        # Paystack's charge.success (docs/payments.md); the signature is over these exact bytes.
        body = json.dumps({"event": "charge.success",
                           "data": {"id": int(hashlib.sha256(reference.encode()).hexdigest()[:12], 16),
                                    "status": "success", "reference": reference, "amount": int(amount),
                                    "currency": currency, "channel": "card", "gateway_response": "Successful",
                                    "paid_at": "2026-01-01T12:00:00.000Z"}}, separators=(",", ":"))
        sig = hmac.new(secret.encode(), body.encode(), hashlib.sha512).hexdigest()
        print(f"{sig}\t{body}")


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    try:
        if cmd == "stock":
            stock(*args)
        elif cmd == "customers":
            customers(args[0], int(args[1]), args[2], args[3], args[4])
        elif cmd == "accounts":
            accounts(args[0], int(args[1]), args[2], args[3])
        elif cmd == "orders":
            orders(args[0])
        elif cmd == "initialize":
            initialize(args[0])
        elif cmd == "webhooks":
            webhooks(args[0])
        else:
            sys.exit(f"unknown command {cmd}")
    except RuntimeError as e:
        sys.exit(f"checkout_setup.py {cmd}: {e}")
