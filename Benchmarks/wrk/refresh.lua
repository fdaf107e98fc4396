-- POST /token grant_type=refresh_token with rotation: every response carries the next refresh token, which
-- goes back into this thread's queue; each token is used exactly once. BENCH_REFRESH_TOKENS holds the seeds
-- (comma-separated, at least one per connection), shared out among threads by BENCH_THREADS.
local thread_count = 0
local threads = {}

function setup(thread)
   thread_count = thread_count + 1
   thread:set("thread_index", thread_count)
   table.insert(threads, thread)
end

function init(args)
   tokens = {}
   failures = 0
   local total = tonumber(os.getenv("BENCH_THREADS"))
   local i = 0
   for token in string.gmatch(os.getenv("BENCH_REFRESH_TOKENS"), "[^,]+") do
      if i % total == thread_index - 1 then table.insert(tokens, token) end
      i = i + 1
   end
   headers = {}
   headers["Content-Type"] = "application/x-www-form-urlencoded"
   headers["Authorization"] = "Basic " .. os.getenv("BENCH_BASIC")
end

function request()
   local token = table.remove(tokens, 1) or "exhausted"
   return wrk.format("POST", "/token", headers, "grant_type=refresh_token&refresh_token=" .. token)
end

function response(status, headers, body)
   local token = string.match(body, '"refresh_token":"([^"]+)"')
   if token then table.insert(tokens, token) else failures = failures + 1 end
end

function done(summary, latency, requests)
   local failed = 0
   for _, thread in ipairs(threads) do failed = failed + thread:get("failures") end
   io.write(string.format("refresh failures: %d\n", failed))
end
