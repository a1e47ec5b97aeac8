-- login_guard.lua: the login lockout. Too many wrong PINs for one staff id, or from one address,
-- lock login for lockoutSec.
-- KEYS[1] failures of the staff id, KEYS[2] failures from the address (one hash slot: {login})
-- ARGV[4] 'check' | 'failed' | 'succeeded', ARGV[5] failures allowed, ARGV[6] lockout seconds
-- Returns {ok} or {err = RATE_LIMITED, retryAfterMs} (check), {ok, failures} (failed).
local mode, allowed, lock = ARGV[4], tonumber(ARGV[5]), tonumber(ARGV[6])
if mode == 'check' then
  local wait = 0
  for i = 1, 2 do
    if tonumber(redis.call('GET', KEYS[i]) or '0') >= allowed then
      wait = math.max(wait, redis.call('PTTL', KEYS[i]))
    end
  end
  if wait > 0 then return fail('RATE_LIMITED', {retryAfterMs = wait}) end
  return reply({ok = true})
elseif mode == 'failed' then
  local most = 0
  for i = 1, 2 do
    local n = redis.call('INCR', KEYS[i])
    if n == 1 or n == allowed then redis.call('EXPIRE', KEYS[i], lock) end
    most = math.max(most, n)
  end
  return reply({ok = true, failures = most})
end
redis.call('DEL', KEYS[1])
return reply({ok = true})
