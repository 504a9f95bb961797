-- wrk script for benchmarks/load/flood.sh: every request claims to come
-- from a client address (X-Forwarded-For, which the server believes in this
-- scenario: loopback is a trusted proxy). CLIENTS=fixed: one of 64
-- addresses; CLIENTS=distinct: a new address on every request (each wrk
-- thread counts in its own range, from OFFSET on, so that successive runs do
-- not repeat addresses).
local mode = os.getenv("CLIENTS") or "fixed"
local offset = tonumber(os.getenv("OFFSET") or "0")
local threads = 0
setup = function(thread)
  thread:set("id", threads)
  threads = threads + 1
end
local n = 0
request = function()
  n = n + 1
  local addr
  if mode == "distinct" then
    local k = offset + id * 8388608 + n
    local f = math.floor
    addr = string.format("%d.%d.%d.%d", 11 + f(k / 16777216), f(k / 65536) % 256, f(k / 256) % 256, k % 256)
  else
    addr = "10.0.0." .. (n % 64)
  end
  return wrk.format("GET", "/v1/hello/ada", { ["X-Forwarded-For"] = addr })
end
