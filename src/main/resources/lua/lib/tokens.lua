-- lib/tokens.lua: token buckets for rate limits.

-- Token buckets, each {key, rate per second, burst}: take one token from every bucket, or from
-- none when any is empty. Returns 0 when taken, else the milliseconds until a token is back.
local function take_tokens(buckets)
  local left, wait = {}, 0
  for i, b in ipairs(buckets) do
    local s = redis.call('HMGET', b[1], 'tokens', 'ts')
    local tokens = tonumber(s[1]) or b[3]
    local ts = tonumber(s[2]) or NOW
    tokens = math.min(b[3], tokens + math.max(0, NOW - ts) * b[2] / 1000)
    left[i] = tokens
    if tokens < 1 then wait = math.max(wait, math.ceil((1 - tokens) * 1000 / b[2])) end
  end
  if wait > 0 then return wait end
  for i, b in ipairs(buckets) do
    redis.call('HSET', b[1], 'tokens', tostring(left[i] - 1), 'ts', NOW)
    redis.call('PEXPIRE', b[1], math.ceil(b[3] / b[2] * 1000) + 1000)
  end
  return 0
end

-- The buckets named by KEYS[from..], each with its {rate, burst} in limits (in the same order).
local function buckets_of(from, limits)
  local list = {}
  for i = from, #KEYS do
    local l = limits[i - from + 1]
    list[#list + 1] = {KEYS[i], l.rate, l.burst}
  end
  return list
end
