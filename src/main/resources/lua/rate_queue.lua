-- rate_queue.lua: a place in line at a token bucket (traffic shaping, not policing). A request
-- that finds the bucket empty reserves the next token (the bucket goes below zero) and is told
-- how long to wait for it, so requests are let through in arrival order at the bucket's rate;
-- only one that would wait longer than the line allows is refused (and nothing is reserved).
-- KEYS[1] the bucket; A.rate per second, A.burst, A.maxWaitMs the longest wait.
-- Returns {ok, waitMs} or {err = RATE_LIMITED, retryAfterMs}.
-- include: (core only)
local key, rate, burst, max_wait = KEYS[1], A.rate, A.burst, A.maxWaitMs
local s = redis.call('HMGET', key, 'tokens', 'ts')
local tokens = tonumber(s[1]) or burst
local ts = tonumber(s[2]) or NOW
tokens = math.min(burst, tokens + math.max(0, NOW - ts) * rate / 1000)
local wait = 0
if tokens < 1 then wait = math.ceil((1 - tokens) * 1000 / rate) end
if wait > max_wait then return fail('RATE_LIMITED', {retryAfterMs = wait - max_wait}) end
tokens = tokens - 1
redis.call('HSET', key, 'tokens', tostring(tokens), 'ts', NOW)
redis.call('PEXPIRE', key, math.ceil((burst - tokens) * 1000 / rate) + 1000)
return reply({ok = true, waitMs = wait})
