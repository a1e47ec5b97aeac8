-- login_guard.lua: the login lockout, made so that a stranger cannot lock staff out.
-- KEYS[1] failures from the address (any staff id), KEYS[2] failures of the staff id from that
-- address, KEYS[3] failures of the staff id from every address, KEYS[4] the staff id's slow-down
-- (all in one hash slot: {login}).
-- A.mode 'check' | 'failed' | 'succeeded', A.allowed failures allowed, A.lockSec lockout seconds
-- Returns {ok} or {err = RATE_LIMITED, retryAfterMs} (check), {ok, failures} (failed).
--
-- An address with `allowed` failures is locked out for lockoutSec, whatever staff id it tries
-- (guessing one PIN, or one PIN across many staff ids). A staff id is never locked: once it has
-- `allowed` failures from all addresses together, each further failure doubles a slow-down (1 s,
-- 2 s, 4 s ... at most lockoutSec) that holds only for addresses that have failed for that staff
-- id themselves; an address that has not (the nurse's own tablet) logs in with the right PIN at once.
-- include: (core only)
local mode, allowed, lock = A.mode, A.allowed, A.lockSec
if mode == 'check' then
  if tonumber(redis.call('GET', KEYS[1]) or '0') >= allowed then
    return fail('RATE_LIMITED', {retryAfterMs = math.max(redis.call('PTTL', KEYS[1]), 1)})
  end
  if redis.call('EXISTS', KEYS[2]) == 1 then
    local slow = redis.call('PTTL', KEYS[4])
    if slow > 0 then return fail('RATE_LIMITED', {retryAfterMs = slow}) end
  end
  return reply({ok = true})
elseif mode == 'failed' then
  local n = redis.call('INCR', KEYS[1])
  if n == 1 or n == allowed then redis.call('EXPIRE', KEYS[1], lock) end -- locked lockoutSec from the last allowed failure
  redis.call('INCR', KEYS[2])
  redis.call('EXPIRE', KEYS[2], lock)
  local staff = redis.call('INCR', KEYS[3])
  redis.call('EXPIRE', KEYS[3], lock) -- a slow attack keeps its count
  if staff >= allowed then
    local ms = math.min(lock * 1000, 1000 * 2 ^ math.min(staff - allowed, 30))
    redis.call('SET', KEYS[4], '1', 'PX', math.floor(ms))
  end
  return reply({ok = true, failures = n})
end
-- succeeded: this address is in good standing for this staff id again (its failures from the
-- address, which an attacker could otherwise reset with an account of its own, stay)
redis.call('DEL', KEYS[2])
return reply({ok = true})
