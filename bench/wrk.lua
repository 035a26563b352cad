-- Closed-loop load for bench/load.py: each connection posts the next question as soon as the
-- last answer arrives. QUESTIONS_FILE holds one question per line; FIELD names the JSON field
-- ("query" for /api/search, "message" for /api/chat); TAG keeps runs' questions distinct.
-- A counter makes every question distinct, so no answer comes from the query cache.
local questions = {}
for line in io.lines(os.getenv("QUESTIONS_FILE")) do
  questions[#questions + 1] = line
end
local field = os.getenv("FIELD")
local tag = os.getenv("TAG") or ""
local n = 0

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

request = function()
  n = n + 1
  local question = questions[(n % #questions) + 1] .. " #" .. tag .. n
  return wrk.format(nil, nil, nil, '{"' .. field .. '": "' .. question .. '"}')
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "errors": %d, "microseconds": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d}\n',
    summary.requests, e.connect + e.read + e.write + e.status + e.timeout, summary.duration,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
