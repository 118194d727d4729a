-- load.lua — wrk script for scripts/load.sh: cycles through the request paths in the file
-- named by LOAD_REQUESTS (one path with its query per line), each thread from its own offset,
-- with the API key from LOAD_KEY; prints wrk's client-side summary as key=value lines.

local paths = {}
for line in io.lines(os.getenv("LOAD_REQUESTS")) do
  if line ~= "" then paths[#paths + 1] = line end
end
assert(#paths > 0, "no requests in " .. tostring(os.getenv("LOAD_REQUESTS")))

wrk.headers["Authorization"] = "Bearer " .. assert(os.getenv("LOAD_KEY"), "LOAD_KEY unset")
wrk.headers["Accept-Encoding"] = "gzip"

local threads = 0
function setup(thread)
  thread:set("offset", threads * 97)
  threads = threads + 1
end

local i
function init(args)
  i = tonumber(offset) or 0
end

function request()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("requests=%d seconds=%.1f rps=%.1f\n", summary.requests, summary.duration / 1e6,
    summary.requests / (summary.duration / 1e6)))
  io.write(string.format("errors_connect=%d errors_read=%d errors_write=%d non_2xx_3xx=%d timeouts=%d\n",
    e.connect, e.read, e.write, e.status, e.timeout))
  io.write(string.format("client_p50_ms=%.1f client_p90_ms=%.1f client_p99_ms=%.1f client_max_ms=%.1f\n",
    latency:percentile(50) / 1e3, latency:percentile(90) / 1e3, latency:percentile(99) / 1e3, latency.max / 1e3))
end
