-- wrk script of `./kronos bench`: sends the scenario's method, body and headers, and prints one
-- "BENCH_JSON {...}" line with the figures scripts/bench/run.py collects.
-- Docs: /usr/share/doc/wrk/SCRIPTING.gz (Debian's wrk package).

wrk.method = os.getenv("BENCH_METHOD") or "GET"
wrk.headers["Accept"] = "application/json"
wrk.headers["User-Agent"] = "kronos-bench"

local body = os.getenv("BENCH_BODY")
if body ~= nil and body ~= "" then
    wrk.body = body
    wrk.headers["Content-Type"] = "application/json"
end

local token = os.getenv("BENCH_TOKEN")
if token ~= nil and token ~= "" then
    wrk.headers["Authorization"] = "Bearer " .. token
end

function done(summary, latency, requests)
    local errors = summary.errors
    io.write(string.format(
        'BENCH_JSON {"requests":%d,"duration_us":%d,"bytes":%d,' ..
        '"errors":{"connect":%d,"read":%d,"write":%d,"timeout":%d,"status":%d},' ..
        '"latency_us":{"mean":%.1f,"p50":%d,"p90":%d,"p99":%d,"max":%d}}\n',
        summary.requests, summary.duration, summary.bytes,
        errors.connect, errors.read, errors.write, errors.timeout, errors.status,
        latency.mean, latency:percentile(50), latency:percentile(90), latency:percentile(99),
        latency.max))
end
