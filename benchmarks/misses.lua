-- wrk: each request a different path, read from the file in MISS_PATHS (one per line), so a cache seldom has it;
-- each thread walks its own stride of the list. Then the same one-line report as percentiles.lua.
local paths = {}
for line in io.lines(os.getenv("MISS_PATHS")) do paths[#paths + 1] = line end
local counter, threads = 0, {}

function setup(thread)
  counter = counter + 1
  thread:set("offset", counter)
  table.insert(threads, thread)
end

function init(_args)
  n = offset
end

function request()
  local path = paths[(n - 1) % #paths + 1]
  n = n + 2  -- wrk -t2: the threads take alternate paths
  return wrk.format("GET", path)
end

done = function(summary, latency, requests)
  io.write(string.format("RESULT rps=%.1f p50=%d p95=%d p99=%d errors=%d non2xx=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50), latency:percentile(95),
    latency:percentile(99), summary.errors.connect + summary.errors.read + summary.errors.write +
    summary.errors.timeout, summary.errors.status))
end
