-- wrk script for GET /r/{code}: every request follows one of the links, drawn at random, as a browser
-- would (a desktop browser's User-Agent, so the clicks are counted clicks rather than bot clicks).
--
--   wrk -c 64 -d 10s -s bench/redirect.lua http://127.0.0.1:PORT -- CODES_FILE
--
-- CODES_FILE holds one code per line. done() prints the 302 count on a line of its own,
-- "redirect_302 <n>", which scripts/bench compares with the clicks in the database. wrk counts a
-- response as an error only when its status is not 2xx or 3xx, so 302s = completed requests minus
-- those errors (neither server under test answers 2xx); the script keeps no response() callback,
-- which would cost the load generator a Lua call and a header table per response.

local threads = {}
local next_id = 0

function setup(thread)
    next_id = next_id + 1
    thread:set("id", next_id)
    table.insert(threads, thread)
end

local codes = {}
local headers = {
    ["User-Agent"] = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36",
    ["Accept"] = "text/html",
}

function init(args)
    local path = args[1]
    if path ~= nil then
        for line in io.lines(path) do
            if #line > 0 then codes[#codes + 1] = line end
        end
    end
    if #codes == 0 then codes[1] = "bench" end
    math.randomseed(os.time() * 1000 + id)
end

function request()
    return wrk.format("GET", "/r/" .. codes[math.random(#codes)], headers)
end

function done(summary, latency, requests)
    local not_3xx = summary.errors.status
    io.write(string.format("redirect_302 %d\n", summary.requests - not_3xx))
    io.write(string.format("redirect_requests %d\n", summary.requests))
    io.write(string.format("redirect_non3xx %d\n", not_3xx))
    io.write(string.format("redirect_socket_errors %d\n",
        summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
    io.write(string.format("redirect_duration_s %.3f\n", summary.duration / 1e6))
    io.write(string.format("redirect_rps %.1f\n", summary.requests / (summary.duration / 1e6)))
    io.write(string.format("redirect_p50_ms %.3f\n", latency:percentile(50) / 1000))
    io.write(string.format("redirect_p99_ms %.3f\n", latency:percentile(99) / 1000))
end
