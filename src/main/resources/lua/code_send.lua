-- code_send.lua: a one-time code for a phone, kept as its keyed hash (good for this phone and this person only),
-- and an 'otp' event for the SMS gateway's webhook. The event holds a reference, never the code or the phone: the
-- delivery reads them, sealed, from P..'otpout:'..ref, which expires with the code. A new code replaces the phone's
-- last one. A booking's code is not sent to a person who holds that dose already, nor to a phone whose day is full.
-- KEYS[1] = 'vf:{city}'
-- A.phone       the phone's key;  A.person  the person's key (PersonKey)
-- A.purpose     book | lookup | change | cancel | erase | standby (for the message)
-- A.hash        the code's keyed hash;  A.ref  the delivery's reference;  A.sealed  phone and code, sealed
-- A.ttlMs       how long the code is good;  A.attempts  tries it takes
-- A.perHour     codes one phone is sent an hour, at most
-- A.dose, A.day, A.maxPerPhone   (book) the dose and day asked for, and the bookings a phone may hold that day
-- Returns {ok, expiresAt} or {err = ALREADY_BOOKED | PHONE_LIMIT (max) | RATE_LIMITED (retryAfterMs)}.
-- include: tokens
local C = P
if A.purpose == 'book' then
  if redis.call('EXISTS', C .. 'dose:' .. A.person .. ':' .. A.dose) == 1 then return fail('ALREADY_BOOKED') end
  local family = C .. 'phone:' .. A.phone .. ':' .. A.day
  if redis.call('SISMEMBER', family, A.person .. ':' .. A.dose) == 0 and redis.call('SCARD', family) >= A.maxPerPhone then
    return fail('PHONE_LIMIT', {max = A.maxPerPhone})
  end
end
local wait = take_tokens({{C .. 'otpsends:' .. A.phone, A.perHour / 3600, A.perHour}})
if wait > 0 then return fail('RATE_LIMITED', {retryAfterMs = wait}) end
local key = C .. 'otp:' .. A.phone
local expires = NOW + A.ttlMs
redis.call('DEL', key)
redis.call('HSET', key, 'h', A.hash, 'person', A.person, 'purpose', A.purpose, 'left', A.attempts, 'exp', expires)
redis.call('PEXPIRE', key, A.ttlMs)
redis.call('SET', C .. 'otpout:' .. A.ref, A.sealed, 'PX', A.ttlMs)
redis.call('XADD', C .. 'events', 'MAXLEN', '~', '10000', '*', 'type', 'otp', 'at', tostring(NOW), 'ref', A.ref,
           'purpose', A.purpose, 'expiresAt', tostring(expires))
return reply({ok = true, expiresAt = expires})
