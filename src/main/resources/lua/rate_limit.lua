-- rate_limit.lua: take a token from each bucket (a client address, a route class), or refuse.
-- KEYS[1..n] the buckets (one hash slot); ARGV[4..] rate, burst per bucket.
-- Returns {ok} or {err = RATE_LIMITED, retryAfterMs}.
-- include: tokens
local wait = take_tokens(buckets_of(1, 4))
if wait > 0 then return fail('RATE_LIMITED', {retryAfterMs = wait}) end
return reply({ok = true})
