-- book.lua: book a person onto the first slot of the day with room left (slot capacity is
-- enforced here, atomically). The same person booking the same site and day again gets the
-- same appointment back.
-- A.code (new appointment code), A.name, A.idNumber, A.phone, A.dose, A.priority ('' none),
-- A.slotCapacity, A.keepSec, A.day (the day booked for), A.slots [{slot HH:MM, start epoch ms}] in order,
-- A.anaphylaxisHistory (true: observed for the high-risk length, lib/observe.lua)
-- A.remindAt  when the booking's reminder is due (ms: the day before, notify.reminderAt); at once if that is past
-- include: site, stats
if not site_ready() then return fail('STORE_RESET') end
local code, id_number, book_day = A.code, A.idNumber, A.day
local booked_key = P .. 'booked:' .. book_day .. ':' .. id_number
local prior = redis.call('GET', booked_key)
if prior then
  local a = hgetall(P .. 'appt:' .. prior)
  if a.code then return reply({ok = true, again = true, appointment = a}) end
end
-- closed early today by its manager (site_mode.lua): no slot left today; the dispatcher tries the next site
if book_day == DAY and settings_cache['closedOn'] == DAY then return fail('NO_CAPACITY', {closedEarly = true}) end
local cap, keep = A.slotCapacity, A.keepSec
local slots_key = P .. 'slots:' .. book_day
for _, s in ipairs(A.slots) do
  local slot, start = s.slot, s.start
  if tonumber(redis.call('HGET', slots_key, slot) or '0') < cap then
    local position = redis.call('HINCRBY', slots_key, slot, 1)
    redis.call('EXPIRE', slots_key, keep)
    local key = P .. 'appt:' .. code
    redis.call('HSET', key, 'code', code, 'name', A.name, 'idNumber', id_number, 'phone', A.phone,
               'dose', A.dose, 'priority', A.priority, 'day', book_day, 'slot', slot, 'slotStart', start,
               'createdAt', tostring(NOW), 'anaphylaxis', A.anaphylaxisHistory and '1' or '0')
    redis.call('EXPIRE', key, keep)
    redis.call('SET', booked_key, code, 'EX', keep)
    event('booking', {'appointment', code, 'bookedDay', book_day, 'slot', slot, 'priority', A.priority})
    -- reminded the day before (remind.lua), or now when that is past
    if A.remindAt > NOW then redis.call('ZADD', P .. 'reminders', A.remindAt, code) else remind(code, book_day, slot) end
    return reply({ok = true, again = false, position = position, appointment = hgetall(key)})
  end
end
return fail('NO_CAPACITY')
