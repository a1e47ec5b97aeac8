-- book.lua: book a person onto the first slot of the day with room left (slot capacity is enforced here,
-- atomically). Whether the person may book at all (one booking per dose across the city, the phone's bookings of
-- the day, the one-time code) was settled for the city before (code_verify.lua): this script only books the site.
-- A booking made by a change (another day or site; A.changed names what changed) is a 'booking_changed' event
-- naming the booking it replaces (A.previous), not a new booking; book_cancel.lua then frees the old one.
-- A.code (new appointment code), A.name, A.idType, A.idNumber, A.person (PersonKey), A.phone, A.dose, A.priority
-- ('' none), A.slotCapacity, A.keepSec, A.day (the day booked for), A.slots [{slot HH:MM, start epoch ms}] in order,
-- A.anaphylaxisHistory (true: observed for the high-risk length, lib/observe.lua)
-- A.name, A.idNumber and A.phone come sealed (security/PersonalData); they are erased at A.eraseAt (ms: the end of
-- the booked day plus privacy.retainHours; erase.lua)
-- A.remindAt  when the booking's reminder is due (ms: the day before, notify.reminderAt); at once if that is past
-- A.changed   '' a new booking; else what a change changed ('day', 'site,anaphylaxisHistory', ...)
-- A.previous  (a change) 'site/code' of the booking this one replaces
-- A.epochDay  A.day as days since 1970-01-01: the lots not expired by then hold its doses (lib/doses.lua)
-- Where the site's stock is required (cfg.stockRequired), a booking also takes one of the doses expected that day; refused
-- NO_CAPACITY with reason SLOTS (no slot with room left) or DOSES (a slot, but no dose left for it).
-- include: site, stats, doses
if not site_ready() then return fail('STORE_RESET') end
local code, book_day = A.code, A.day
-- closed early today by its manager (site_mode.lua): no slot left today; the dispatcher tries the next site
if book_day == DAY and settings_cache['closedOn'] == DAY then return fail('NO_CAPACITY', {reason = 'SLOTS', closedEarly = true}) end
local cap, keep = A.slotCapacity, A.keepSec
local slots_key = P .. 'slots:' .. book_day
for _, s in ipairs(A.slots) do
  local slot, start = s.slot, s.start
  if tonumber(redis.call('HGET', slots_key, slot) or '0') < cap then
    if setting('stockRequired') == 1 then
      local left, usable, booked = doses_bookable(book_day, A.epochDay)
      if left < 1 then return fail('NO_CAPACITY', {reason = 'DOSES', doses = usable, booked = booked}) end
    end
    local position = redis.call('HINCRBY', slots_key, slot, 1)
    redis.call('EXPIRE', slots_key, keep)
    local key = P .. 'appt:' .. code
    redis.call('HSET', key, 'code', code, 'name', A.name, 'idType', A.idType, 'idNumber', A.idNumber, 'person', A.person,
               'phone', A.phone, 'dose', A.dose, 'priority', A.priority, 'day', book_day, 'slot', slot, 'slotStart', start,
               'createdAt', tostring(NOW), 'anaphylaxis', A.anaphylaxisHistory and '1' or '0')
    if setting('stockRequired') == 1 then dose_booked(code, book_day, start) end
    redis.call('EXPIRE', key, keep)
    redis.call('ZADD', P .. 'erase', A.eraseAt, 'a|' .. code)
    if A.changed == '' then
      event('booking', {'appointment', code, 'bookedDay', book_day, 'slot', slot, 'priority', A.priority})
    else
      event('booking_changed', {'appointment', code, 'previous', A.previous, 'changed', A.changed, 'bookedDay', book_day,
                                'slot', slot})
    end
    -- reminded the day before (remind.lua), or now when that is past
    if A.remindAt > NOW then redis.call('ZADD', P .. 'reminders', A.remindAt, code) else remind(code, book_day, slot) end
    return reply({ok = true, position = position, appointment = hgetall(key)})
  end
end
return fail('NO_CAPACITY', {reason = 'SLOTS'})
