-- wrk script for benchmarks/load/checkout.sh. LINES_FILE holds one prepared
-- request per line; CHECKOUT_MODE says what a line is:
--   orders      "userId token"            POST /v1/orders
--   initialize  "token orderId"           POST /v1/payments/initialize
--   webhook     "signature<TAB>body"      POST /v1/payments/webhook
--   cart        "token lineId"            GET /v1/cart
--   cart-update "token lineId"            PATCH /v1/cart/items/:id (quantity 1..3)
--   login       "email password"          POST /v1/auth/login
-- orders, initialize and webhook use each line once: thread k of THREADS
-- takes lines k, k+THREADS, ... so no two requests share a customer. A
-- thread out of lines sends nothing more (its next request waits an hour in
-- delay(); rarely, a connection's first request is a spare GET /healthz,
-- not counted), and done() says the run was cut short; the rate it prints is
-- over the time from the first request to the last answer, not wrk's
-- duration. The other modes pick a line at random. done() also prints the
-- answers by status.
local mode = os.getenv("CHECKOUT_MODE")
local once = mode == "orders" or mode == "initialize" or mode == "webhook"
local address = '{"shippingAddress":{"fullName":"Ada Obi","phone":"+234 803 555 0101",' ..
  '"line1":"12 Admiralty Way","city":"Lekki","state":"Lagos","country":"NG","postalCode":"106104"},' ..
  '"shippingMethod":"standard"}'

local ffi = require("ffi")
ffi.cdef [[
  struct checkout_timeval { long tv_sec; long tv_usec; };
  int gettimeofday(struct checkout_timeval *tv, void *tz);
]]
local tv = ffi.new("struct checkout_timeval")
local function now()
  ffi.C.gettimeofday(tv, nil)
  return tonumber(tv.tv_sec) + tonumber(tv.tv_usec) / 1e6
end

local threads = {}
local next_id = 1
function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  threads[#threads + 1] = thread
end

local lines = {}
local pos, claimed, spare_pending = 0, 0, 0  -- lines used, lines promised by delay()
sent, answered, exhausted, spare, first_at, last_at = 0, 0, 0, 0, 0, 0
statuses = ""  -- "201=12 409=1": thread:get copies strings, not tables
local counts = {}

function init(args)
  local n = tonumber(os.getenv("THREADS"))
  local i = 0
  for line in io.lines(os.getenv("LINES_FILE")) do
    if not once or i % n == id - 1 then lines[#lines + 1] = line end
    i = i + 1
  end
end

local function json_headers(token)
  local h = { ["Content-Type"] = "application/json" }
  if token then h["Authorization"] = "Bearer " .. token end
  return h
end

-- wrk calls request() once on the first thread before the run, to check
-- what it returns; that request is never sent, so it takes no line.
local checked = false

function request()
  if not checked and id == 1 then
    checked = true
    return wrk.format("GET", "/healthz")
  end
  checked = true
  local line
  if once then
    -- A connection's first request comes without delay(): it claims here.
    if pos == claimed then
      if claimed == #lines then
        spare = spare + 1
        spare_pending = spare_pending + 1
        return wrk.format("GET", "/healthz")
      end
      claimed = claimed + 1
    end
    pos = pos + 1
    line = lines[pos]
  else
    line = lines[math.random(#lines)]
  end
  sent = sent + 1
  if first_at == 0 then first_at = now() end
  if mode == "orders" then
    local _, token = line:match("^(%S+) (%S+)$")
    return wrk.format("POST", "/v1/orders", json_headers(token), address)
  elseif mode == "initialize" then
    local token, order = line:match("^(%S+) (%S+)$")
    return wrk.format("POST", "/v1/payments/initialize", json_headers(token), '{"orderId":"' .. order .. '"}')
  elseif mode == "webhook" then
    local sig, body = line:match("^(%S+)\t(.*)$")
    return wrk.format("POST", "/v1/payments/webhook",
      { ["Content-Type"] = "application/json", ["x-paystack-signature"] = sig }, body)
  elseif mode == "login" then
    local email, password = line:match("^(%S+) (%S+)$")
    return wrk.format("POST", "/v1/auth/login", json_headers(nil),
      '{"email":"' .. email .. '","password":"' .. password .. '"}')
  end
  local token, item = line:match("^(%S+) (%S+)$")
  if mode == "cart" then return wrk.format("GET", "/v1/cart", json_headers(token)) end
  return wrk.format("PATCH", "/v1/cart/items/" .. item, json_headers(token), '{"quantity":' .. math.random(1, 3) .. '}')
end

-- Called before each request after a connection's first: a line is claimed
-- here, as other connections may ask for theirs before this one's request.
function delay()
  if not once then return 0 end
  if claimed < #lines then
    claimed = claimed + 1
    return 0
  end
  exhausted = 1
  return 3600000
end

function response(status, headers, body)
  -- A spare /healthz answer: short, and not a webhook's receipt.
  if spare_pending > 0 and status == 200 and #body < 40 and not body:find("received", 1, true) then
    spare_pending = spare_pending - 1
    return
  end
  last_at = now()
  answered = answered + 1
  counts[status] = (counts[status] or 0) + 1
  local parts = {}
  for s, c in pairs(counts) do parts[#parts + 1] = s .. "=" .. c end
  statuses = table.concat(parts, " ")
end

function done(summary, latency, requests)
  local total, sent_all, by, cut, first, last = 0, 0, {}, {}, math.huge, 0
  for _, t in ipairs(threads) do
    total = total + t:get("answered")
    sent_all = sent_all + t:get("sent")
    if t:get("first_at") > 0 then first = math.min(first, t:get("first_at")) end
    last = math.max(last, t:get("last_at"))
    for s, c in (t:get("statuses") or ""):gmatch("(%d+)=(%d+)") do by[s] = (by[s] or 0) + tonumber(c) end
    if t:get("exhausted") == 1 then
      cut[#cut + 1] = "thread " .. t:get("id") .. " after " .. t:get("sent") ..
        (t:get("spare") > 0 and " (and " .. t:get("spare") .. " spare GET /healthz)" or "")
    end
  end
  local parts = {}
  for s, c in pairs(by) do parts[#parts + 1] = s .. "=" .. c end
  table.sort(parts)
  -- Requests still in flight when wrk stops are sent but never answered.
  io.write(string.format("checkout: answered %d in %.3f s; sent %d; statuses %s\n", total,
    math.max(last - first, 0.001), sent_all, table.concat(parts, " ")))
  if #cut > 0 then io.write("checkout: cut short, out of lines: " .. table.concat(cut, ", ") .. "\n") end
end
