-- code_verify.lua: the phone's one-time code checked (a wrong one uses up a try; the last try, or an expired code,
-- leaves none), then what it is for:
--   book    the person's dose claimed for the city (pending until claim_set.lua records the booking, or gone after
--           A.pendingMs) and a place among the phone's bookings of that day;
--   lookup  the person's bookings made with this phone;
--   standby the phone proven to join a site's standby list (the code used up);
--   change, cancel, erase  the person's booking of that dose, if it was made with this phone (a change to another day
--           needs a place among the phone's bookings of that day).
-- The code stays good until a booking, change, cancellation or erasure uses it up (claim_set.lua, claim_drop.lua): a look-up
-- and the change that follows it take one code.
-- KEYS[1] = 'vf:{city}'
-- A.phone, A.person   the phone's and the person's keys;  A.hash  the keyed hash of the code given
-- A.peer        true: a peer server vouched for the phone (it checked the code); no code here
-- A.purpose     book | lookup | change | cancel | erase | standby
-- A.dose        the dose (0: every dose, lookup);  A.day  the day booked (book) or asked for (change; '' the same)
-- A.maxPerPhone the bookings a phone may hold a day;  A.pendingMs  how long a claim waits for its booking
-- A.keepSec     how long a day's list of a phone's bookings is kept
-- Returns {ok, bookings = [{dose, site, appointment, day}]} (lookup), {ok, booking = {...}} (change, cancel, erase), {ok}
-- (book), or {err = CODE_INVALID (attemptsLeft) | ALREADY_BOOKED | PHONE_LIMIT (max) | NO_BOOKING}.
-- include: (core only)
local C = P
if not A.peer then
  local key = C .. 'otp:' .. A.phone
  local code = redis.call('HMGET', key, 'h', 'exp')
  if not code[1] or tonumber(code[2]) <= NOW then return fail('CODE_INVALID', {attemptsLeft = 0}) end
  if code[1] ~= A.hash then
    local left = redis.call('HINCRBY', key, 'left', -1)
    if left <= 0 then redis.call('DEL', key) end
    return fail('CODE_INVALID', {attemptsLeft = math.max(0, left)})
  end
end

local function claim_of(dose)
  local c = hgetall(C .. 'dose:' .. A.person .. ':' .. dose)
  if c.state ~= 'booked' or c.phone ~= A.phone then return nil end
  return {dose = dose, site = c.site, appointment = c.appt, day = c.day}
end

-- whether the phone may hold one more booking on day (this person's dose counts once)
local function room_on(day)
  local family = C .. 'phone:' .. A.phone .. ':' .. day
  return redis.call('SISMEMBER', family, A.person .. ':' .. A.dose) == 1 or redis.call('SCARD', family) < A.maxPerPhone
end

if A.purpose == 'book' then
  local claim = C .. 'dose:' .. A.person .. ':' .. A.dose
  if redis.call('EXISTS', claim) == 1 then return fail('ALREADY_BOOKED') end
  if not room_on(A.day) then return fail('PHONE_LIMIT', {max = A.maxPerPhone}) end
  redis.call('HSET', claim, 'state', 'pending', 'phone', A.phone, 'day', A.day, 'at', NOW)
  redis.call('PEXPIRE', claim, A.pendingMs)
  local family = C .. 'phone:' .. A.phone .. ':' .. A.day
  redis.call('SADD', family, A.person .. ':' .. A.dose)
  if redis.call('TTL', family) < A.keepSec then redis.call('EXPIRE', family, A.keepSec) end
  return reply({ok = true})
elseif A.purpose == 'standby' then
  -- joining a standby list (standby_add.lua): the code is used up here
  redis.call('DEL', C .. 'otp:' .. A.phone)
  return reply({ok = true})
elseif A.purpose == 'lookup' then
  local held = {}
  for dose = 1, 4 do
    local b = claim_of(dose)
    if b then held[#held + 1] = b end
  end
  return reply({ok = true, bookings = held})
end
local b = claim_of(A.dose)
if not b then return fail('NO_BOOKING') end
if A.purpose == 'change' and A.day ~= '' and A.day ~= b.day and not room_on(A.day) then
  return fail('PHONE_LIMIT', {max = A.maxPerPhone})
end
return reply({ok = true, booking = b})
