-- claim_set.lua: the person's booking of a dose recorded for the city (after the site booked it, or booked the
-- change), the phone's list of bookings of its day kept (moved from the old day after a change), and the phone's
-- code used up.
-- KEYS[1] = 'vf:{city}'
-- A.person, A.dose, A.phone   whose booking;  A.site, A.appointment, A.day  the booking
-- A.oldDay      the day it was on before a change ('' none);  A.keepSec  how long it is kept (its day and 3 more)
-- Returns {ok}.
-- include: (core only)
local C = P
local claim = C .. 'dose:' .. A.person .. ':' .. A.dose
local member = A.person .. ':' .. A.dose
redis.call('DEL', claim)
redis.call('HSET', claim, 'state', 'booked', 'phone', A.phone, 'site', A.site, 'appt', A.appointment, 'day', A.day,
           'at', NOW)
redis.call('EXPIRE', claim, A.keepSec)
if A.oldDay ~= '' and A.oldDay ~= A.day then redis.call('SREM', C .. 'phone:' .. A.phone .. ':' .. A.oldDay, member) end
local family = C .. 'phone:' .. A.phone .. ':' .. A.day
redis.call('SADD', family, member)
if redis.call('TTL', family) < A.keepSec then redis.call('EXPIRE', family, A.keepSec) end
redis.call('DEL', C .. 'otp:' .. A.phone)
return reply({ok = true})
