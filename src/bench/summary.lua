-- wrk hook for src/bench/bench.sh: prints the totals of a run as one "BENCH key=value ..." line (latencies in
-- microseconds), so the script needs no parsing of wrk's human report and its mixed units. Only done() is
-- defined, so wrk keeps its fast path: no Lua runs per request or per response.
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%d duration_us=%d p50_us=%d p99_us=%d status=%d connect=%d read=%d write=%d timeout=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.status, e.connect, e.read, e.write, e.timeout))
end
