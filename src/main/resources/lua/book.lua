-- book.lua: book a person onto the first slot of the day with room left (slot capacity is
-- enforced here, atomically). The same person booking the same site and day again gets the
-- same appointment back.
-- ARGV[4] code (new appointment code), ARGV[5] name, ARGV[6] idNumber, ARGV[7] phone,
-- ARGV[8] dose, ARGV[9] priority ('' none), ARGV[10] slot capacity, ARGV[11] keep seconds,
-- ARGV[12] the day booked for, ARGV[13..] slot pairs: HH:MM, slot start epoch ms (in order)
-- include: site
if not site_ready() then return fail('STORE_RESET') end
local code, id_number, book_day = ARGV[4], ARGV[6], ARGV[12]
local booked_key = P .. 'booked:' .. book_day .. ':' .. id_number
local prior = redis.call('GET', booked_key)
if prior then
  local a = hgetall(P .. 'appt:' .. prior)
  if a.code then return reply({ok = true, again = true, appointment = a}) end
end
-- closed early today by its manager (site_mode.lua): no slot left today; the dispatcher tries the next site
if book_day == DAY and settings_cache['closedOn'] == DAY then return fail('NO_CAPACITY', {closedEarly = true}) end
local cap, keep = tonumber(ARGV[10]), tonumber(ARGV[11])
local slots_key = P .. 'slots:' .. book_day
for i = 13, #ARGV, 2 do
  local slot, start = ARGV[i], ARGV[i + 1]
  if tonumber(redis.call('HGET', slots_key, slot) or '0') < cap then
    local position = redis.call('HINCRBY', slots_key, slot, 1)
    redis.call('EXPIRE', slots_key, keep)
    local key = P .. 'appt:' .. code
    redis.call('HSET', key, 'code', code, 'name', ARGV[5], 'idNumber', id_number, 'phone', ARGV[7],
               'dose', ARGV[8], 'priority', ARGV[9], 'day', book_day, 'slot', slot, 'slotStart', start,
               'createdAt', tostring(NOW))
    redis.call('EXPIRE', key, keep)
    redis.call('SET', booked_key, code, 'EX', keep)
    event('booking', {'appointment', code, 'bookedDay', book_day, 'slot', slot, 'priority', ARGV[9]})
    return reply({ok = true, again = false, position = position, appointment = hgetall(key)})
  end
end
return fail('NO_CAPACITY')
