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
-- thread out of lines sends spare GET /healthz until its last real answer
-- is in, then stops; done() says so (the run was cut short). The others
-- pick a line at random. done() prints the answers by status.
local mode = os.getenv("CHECKOUT_MODE")
local once = mode == "orders" or mode == "initialize" or mode == "webhook"
local address = '{"shippingAddress":{"fullName":"Ada Obi","phone":"+234 803 555 0101",' ..
  '"line1":"12 Admiralty Way","city":"Lekki","state":"Lagos","country":"NG","postalCode":"106104"},' ..
  '"shippingMethod":"standard"}'

local threads = {}
local next_id = 1
function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  threads[#threads + 1] = thread
end

local lines = {}
local pos = 0
sent, answered, spare, exhausted = 0, 0, 0, 0
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

function request()
  local line
  if once then
    if pos >= #lines then
      exhausted = 1
      if answered == sent then wrk.thread:stop() end
      spare = spare + 1
      return wrk.format("GET", "/healthz")
    end
    pos = pos + 1
    line = lines[pos]
  else
    line = lines[math.random(#lines)]
  end
  sent = sent + 1
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

function response(status, headers, body)
  -- A spare /healthz answer is the only one this small that names no field of ours.
  if exhausted == 1 and status == 200 and #body < 40 and not body:find("received", 1, true) then return end
  answered = answered + 1
  counts[status] = (counts[status] or 0) + 1
  local parts = {}
  for s, c in pairs(counts) do parts[#parts + 1] = s .. "=" .. c end
  statuses = table.concat(parts, " ")
  if exhausted == 1 and answered == sent then wrk.thread:stop() end
end

function done(summary, latency, requests)
  local total, by, cut = 0, {}, {}
  for _, t in ipairs(threads) do
    total = total + t:get("answered")
    for s, c in (t:get("statuses") or ""):gmatch("(%d+)=(%d+)") do by[s] = (by[s] or 0) + tonumber(c) end
    if t:get("exhausted") == 1 then
      cut[#cut + 1] = "thread " .. t:get("id") .. " after " .. t:get("sent") .. " (" .. t:get("spare") .. " spare)"
    end
  end
  local parts = {}
  for s, c in pairs(by) do parts[#parts + 1] = s .. "=" .. c end
  table.sort(parts)
  io.write(string.format("checkout: answered %d in %.3f s; statuses %s\n", total, summary.duration / 1e6,
    table.concat(parts, " ")))
  if #cut > 0 then io.write("checkout: cut short, out of lines: " .. table.concat(cut, ", ") .. "\n") end
end
