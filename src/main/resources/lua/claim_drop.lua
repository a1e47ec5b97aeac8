-- claim_drop.lua: the person's claim on a dose given up: a booking the sites refused (the claim still pending), or
-- a cancelled one (the claim of that appointment; the phone's code used up). Its place among the phone's bookings of
-- its day is freed too. A claim that is neither (another booking took its place) is left alone.
-- KEYS[1] = 'vf:{city}'
-- A.person, A.dose, A.phone   whose claim;  A.day  its day
-- A.appointment the cancelled booking's code ('' : a refused booking, pending)
-- Returns {ok, dropped}.
-- include: (core only)
local C = P
local claim = C .. 'dose:' .. A.person .. ':' .. A.dose
local c = redis.call('HMGET', claim, 'state', 'appt')
local ours
if A.appointment == '' then ours = c[1] == 'pending' else ours = c[1] == 'booked' and c[2] == A.appointment end
if not ours then return reply({ok = true, dropped = false}) end
redis.call('DEL', claim)
redis.call('SREM', C .. 'phone:' .. A.phone .. ':' .. A.day, A.person .. ':' .. A.dose)
if A.appointment ~= '' then redis.call('DEL', C .. 'otp:' .. A.phone) end
return reply({ok = true, dropped = true})
