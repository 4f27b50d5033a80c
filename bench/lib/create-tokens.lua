-- wrk script: POST /v1/tokens with a new name each time (the first argument, a dash and a counter),
-- authenticated with the token in the file named by the second argument; prints one JSON line.
local prefix, authorization
local counter = 0

function init(args)
  prefix = args[1]
  local file = io.open(args[2], "r")
  authorization = "Bearer " .. file:read("*l")
  file:close()
end

function request()
  counter = counter + 1
  local body = '{"name":"' .. prefix .. '-' .. counter .. '","scopes":["tokens:read"],"expires_in_days":30}'
  return wrk.format("POST", "/v1/tokens",
    { ["Authorization"] = authorization, ["Content-Type"] = "application/json" }, body)
end

function done(summary, latency, _)
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"duration_us":%d,"p50_us":%.0f,"p99_us":%.0f,"max_us":%.0f,"status_errors":%d,"socket_errors":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.max,
    e.status, e.connect + e.read + e.write + e.timeout))
end
