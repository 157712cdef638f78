-- wrk reporter: one parseable line with requests/s and latency percentiles (microseconds)
done = function(summary, latency, requests)
  io.write(string.format("RESULT rps=%.1f p50=%d p95=%d p99=%d errors=%d non2xx=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50), latency:percentile(95),
    latency:percentile(99), summary.errors.connect + summary.errors.read + summary.errors.write +
    summary.errors.timeout, summary.errors.status))
end
