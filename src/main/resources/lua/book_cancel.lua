-- book_cancel.lua: a booking given up, by its person (with the code of its phone) or by a change that booked it
-- elsewhere: its slot freed for the next person, its reminder taken off (ZREM), the appointment gone, and a
-- 'booking_cancelled' event (A.reason; a change names where the booking went). A booking already checked in
-- stays (ALREADY_CHECKED_IN with its number), unless its person erases it (A.reason 'erased'): then the
-- appointment goes, and the ticket it was checked in as loses the person's name and ID number too, at once (a
-- ticket whose shot the immunization record still needs, 'hold', keeps them until erase.lua: they go then).
-- A.code       the appointment's code
-- A.reason     cancelled | changed | erased
-- A.movedTo    (changed) 'site/code' of the booking that replaces it
-- A booking that still holds a dose lets it go (lib/doses.lua): a later booking may have it.
-- Returns {ok, day, slot} or {err = NO_BOOKING | ALREADY_CHECKED_IN (number) | STORE_RESET}.
-- include: site, stats, doses
if not site_ready() then return fail('STORE_RESET') end
local key = P .. 'appt:' .. A.code
local a = redis.call('HMGET', key, 'day', 'slot')
if not a[1] then return fail('NO_BOOKING') end
local used = redis.call('GET', P .. 'used:' .. A.code)
if used and A.reason ~= 'erased' then return fail('ALREADY_CHECKED_IN', {number = used}) end
if used then
  local ticket = tkey_on(a[1], used)
  if (redis.call('HGET', ticket, 'hold') or '') == '' then redis.call('HDEL', ticket, 'name', 'idNumber') end
else
  local slots_key = P .. 'slots:' .. a[1]
  if tonumber(redis.call('HGET', slots_key, a[2]) or '0') > 0 then redis.call('HINCRBY', slots_key, a[2], -1) end
end
dose_let_go(A.code)
redis.call('ZREM', P .. 'reminders', A.code)
redis.call('ZREM', P .. 'erase', 'a|' .. A.code)
redis.call('DEL', key)
event('booking_cancelled', {'appointment', A.code, 'bookedDay', a[1], 'slot', a[2], 'reason', A.reason, 'movedTo', A.movedTo})
return reply({ok = true, day = a[1], slot = a[2]})
