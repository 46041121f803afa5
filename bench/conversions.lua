-- wrk script for POST /api/v1/conversions: every request records a new sale (a unique external_id)
-- naming one of the given clicks, so each one is attributed through that click's visitor history,
-- earns a commission and appends a ledger event before it is answered.
--
--   wrk -c 64 -d 10s -s bench/conversions.lua http://127.0.0.1:PORT -- API_KEY PROGRAM_ID CLICKS_FILE
--
-- CLICKS_FILE holds one click id (the rt_click of a redirect) per line. External ids are unique across
-- threads and runs: "bench-<run>-<thread>-<counter>", where <run> is drawn from math.random seeded per
-- thread. done() prints "ingest_2xx <n>" and the figures scripts/bench reads.

local threads = {}
local next_id = 0

function setup(thread)
    next_id = next_id + 1
    thread:set("id", next_id)
    table.insert(threads, thread)
end

local clicks = {}
local program_id
local headers
local run
local counter = 0

function init(args)
    headers = {
        ["Authorization"] = "Bearer " .. args[1],
        ["Content-Type"] = "application/json",
    }
    program_id = args[2]
    for line in io.lines(args[3]) do
        if #line > 0 then clicks[#clicks + 1] = line end
    end
    math.randomseed(os.time() * 1000 + id)
    run = string.format("%08x", math.random(0, 0x7fffffff))
end

function request()
    counter = counter + 1
    local body = string.format(
        '{"program_id":"%s","external_id":"bench-%s-%d-%d","amount":%d,"currency":"EUR","click_id":"%s"}',
        program_id, run, id, counter, 1000 + math.random(0, 99000), clicks[math.random(#clicks)])
    return wrk.format("POST", "/api/v1/conversions", headers, body)
end

function done(summary, latency, requests)
    local errors = summary.errors.status
    io.write(string.format("ingest_2xx %d\n", summary.requests - errors))
    io.write(string.format("ingest_requests %d\n", summary.requests))
    io.write(string.format("ingest_non2xx %d\n", errors))
    io.write(string.format("ingest_socket_errors %d\n",
        summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
    io.write(string.format("ingest_duration_s %.3f\n", summary.duration / 1e6))
    io.write(string.format("ingest_rps %.1f\n", summary.requests / (summary.duration / 1e6)))
    io.write(string.format("ingest_p50_ms %.3f\n", latency:percentile(50) / 1000))
    io.write(string.format("ingest_p99_ms %.3f\n", latency:percentile(99) / 1000))
end
