-- wrk script for benchmarks/load/media.sh: every request POSTs the same
-- prebuilt multipart/form-data body (MEDIA_BODY, a file read once here) to
-- /v1/media/upload with MEDIA_CONTENT_TYPE (it carries the boundary) and the
-- merchant's access token MEDIA_TOKEN. wrk formats the request once.
local f = assert(io.open(os.getenv("MEDIA_BODY"), "rb"))
wrk.body = f:read("*a")
f:close()
wrk.method = "POST"
wrk.path = "/v1/media/upload"
wrk.headers["Content-Type"] = os.getenv("MEDIA_CONTENT_TYPE")
wrk.headers["Authorization"] = "Bearer " .. os.getenv("MEDIA_TOKEN")
