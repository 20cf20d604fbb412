-- wrk script for `make bench`: sends prepared requests and reports what came back.
--
-- Arguments after `--`: a requests file, a mode ("cycle" or "once"), the thread count and
-- the status every response should have. Each line of the file is a request:
-- METHOD <tab> PATH <tab> COOKIE <tab> BODY (the body, url-encoded, may be empty).
-- Thread t sends lines t, t + threads, t + 2 * threads, ... so in one pass no two
-- threads send the same line. In "cycle" mode a thread wraps around at the end; in
-- "once" mode (submits: an attempt is submitted only once) the thread stops instead,
-- and the requests its connections still send are counted as `repeats`.
-- done() prints one line, `WRK_JSON {...}`, that bench/load.py reads.

local threads = {}

function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

local requests = {}
local index, stride, once, expected = 0, 1, false, 200
unexpected, repeats = 0, 0

function init(args)
  local file = assert(io.open(args[1], "r"))
  for line in file:lines() do
    local method, path, cookie, body = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)$")
    local headers = {}
    if cookie ~= "" then headers["Cookie"] = cookie end
    if method == "POST" then headers["Content-Type"] = "application/x-www-form-urlencoded" end
    if body == "" then body = nil end
    requests[#requests + 1] = wrk.format(method, path, headers, body)
  end
  file:close()
  once = args[2] == "once"
  stride = tonumber(args[3])
  expected = tonumber(args[4])
  index = once and tid or tid % #requests
end

function request()
  if index >= #requests then
    if once then
      repeats = repeats + 1
      wrk.thread:stop()
      return requests[#requests]
    end
    index = index % #requests
  end
  local chosen = requests[index + 1]
  index = index + stride
  return chosen
end

function response(status, headers, body)
  if status ~= expected then unexpected = unexpected + 1 end
end

function done(summary, latency, requests)
  local unexpected_total, repeats_total = 0, 0
  for _, thread in ipairs(threads) do
    unexpected_total = unexpected_total + thread:get("unexpected")
    repeats_total = repeats_total + thread:get("repeats")
  end
  local errors = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "connect": %d, "read": %d, "write": %d, '
    .. '"status": %d, "timeout": %d, "unexpected": %d, "repeats": %d, '
    .. '"p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d, "mean_us": %.1f}\n',
    summary.requests, summary.duration, errors.connect, errors.read, errors.write,
    errors.status, errors.timeout, unexpected_total, repeats_total,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    latency.mean))
end
