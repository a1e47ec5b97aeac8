-- rate_limit.lua: take a token from each bucket (a client address, a route class), or refuse.
-- KEYS[1..n] the buckets (one hash slot); A.buckets [{rate, burst}], one per key.
-- Returns {ok} or {err = RATE_LIMITED, retryAfterMs}.
-- include: tokens
local wait = take_tokens(buckets_of(1, A.buckets))
if wait > 0 then return fail('RATE_LIMITED', {retryAfterMs = wait}) end
return reply({ok = true})
