-- book_change.lua: a booking's safety flag changed in place (same site, day and slot), with the code of its phone:
-- an anaphylaxis history sets the high-risk observation the ticket gets at check-in (checkin.lua reads it). A change
-- is a 'booking_changed' event naming what changed, nothing personal; no change, no event.
-- A.code                 the appointment's code
-- A.anaphylaxisHistory   the flag as it is to be
-- Returns {ok, changed, appointment} or {err = NO_BOOKING | ALREADY_CHECKED_IN (number) | STORE_RESET}.
-- include: site, stats
if not site_ready() then return fail('STORE_RESET') end
local key = P .. 'appt:' .. A.code
if redis.call('EXISTS', key) == 0 then return fail('NO_BOOKING') end
local used = redis.call('GET', P .. 'used:' .. A.code)
if used then return fail('ALREADY_CHECKED_IN', {number = used}) end
local flag = A.anaphylaxisHistory and '1' or '0'
local changed = redis.call('HGET', key, 'anaphylaxis') ~= flag
if changed then
  redis.call('HSET', key, 'anaphylaxis', flag)
  event('booking_changed', {'appointment', A.code, 'changed', 'anaphylaxisHistory'})
end
return reply({ok = true, changed = changed, appointment = hgetall(key)})
