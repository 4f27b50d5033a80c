-- wrk script: GET the URL's path with one token value after another, cycling through the values in
-- the file named by the first argument (one per line), then print the figures as one JSON line.
local prepared = {}
local next_index = 0

function init(args)
  for value in io.lines(args[1]) do
    prepared[#prepared + 1] = wrk.format("GET", nil, { ["Authorization"] = "Bearer " .. value })
  end
  -- Each run starts at a random place, so that repeated short runs do not favour the first values.
  math.randomseed(os.time())
  next_index = math.random(0, #prepared - 1)
end

function request()
  next_index = next_index % #prepared + 1
  return prepared[next_index]
end

function done(summary, latency, _)
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"duration_us":%d,"p50_us":%.0f,"p99_us":%.0f,"max_us":%.0f,"status_errors":%d,"socket_errors":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.max,
    e.status, e.connect + e.read + e.write + e.timeout))
end
