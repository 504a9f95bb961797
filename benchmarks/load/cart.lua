-- wrk script for benchmarks/load/cart.sh: each request picks one of the
-- prepared guest carts at random (CARTS_FILE: "token lineId" per line) and,
-- by CART_MODE, reads it (get), its totals (totals) or sets its line's
-- quantity to 1..3 (update: the stock is checked and the cart repriced).
local carts = {}
for line in io.lines(os.getenv("CARTS_FILE")) do
  local token, lineId = line:match("^(%S+) (%S+)$")
  if token then carts[#carts + 1] = { token, lineId } end
end
local mode = os.getenv("CART_MODE") or "get"

request = function()
  local c = carts[math.random(#carts)]
  if mode == "get" then
    return wrk.format("GET", "/v1/cart", { ["X-Cart-Token"] = c[1] })
  elseif mode == "totals" then
    return wrk.format("GET", "/v1/cart/totals?shippingMethod=express", { ["X-Cart-Token"] = c[1] })
  end
  return wrk.format("PATCH", "/v1/cart/items/" .. c[2],
    { ["X-Cart-Token"] = c[1], ["Content-Type"] = "application/json" },
    '{"quantity":' .. math.random(1, 3) .. '}')
end
