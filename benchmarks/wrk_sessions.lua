-- wrk script for benchmarks/load.py: each request carries one of the load participants'
-- sessions in turn (LOAD_SESSIONS, comma-separated), anything but a 200 counts as an error
-- (a 302 would be the login page), and the summary is one JSON line for load.py to read.
-- With no sessions it asks anonymously.
local cookie = os.getenv("LOAD_SESSION_COOKIE") or "sessionid"
local sessions = {}
for key in string.gmatch(os.getenv("LOAD_SESSIONS") or "", "[^,]+") do
  table.insert(sessions, key)
end
local threads = {}
local sent = 0
not_ok = 0

function setup(thread)
  thread:set("offset", #threads * 7)
  table.insert(threads, thread)
end

function request()
  if #sessions == 0 then
    return wrk.format()  -- the anonymous reference run
  end
  sent = sent + 1
  local key = sessions[((sent + offset) % #sessions) + 1]
  return wrk.format(nil, nil, { ["Cookie"] = cookie .. "=" .. key })
end

function response(status, headers, body)
  if status ~= 200 then
    not_ok = not_ok + 1
  end
end

function done(summary, latency, requests)
  local bad = 0
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("not_ok")
  end
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "seconds": %.3f, "p50_ms": %.2f, "p99_ms": %.2f, "errors": %d}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, bad + e.connect + e.read + e.write + e.timeout))
end
