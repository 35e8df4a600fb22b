-- wrk script of bench/http.sh: every request asks for the policy of another of HOSTS policy
-- hosts (mta-sts.d1.example ... mta-sts.dN.example) over the same keep-alive connections, and
-- the run ends with one machine-readable line.
local n = tonumber(os.getenv("HOSTS") or "10000")
local i = 0

init = function(args)
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
  i = math.random(n)
end

request = function()
  i = i % n + 1
  return wrk.format("GET", "/.well-known/mta-sts.txt", { Host = "mta-sts.d" .. i .. ".example" })
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("WRK requests=%d duration_us=%d p50_us=%d p99_us=%d errors=%d non2xx=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.timeout, e.status))
end
