-- checkin.lua: verify an appointment (or take a walk-in) and issue today's ticket.
-- ARGV[4] mode       'appt' | 'walkin'
-- ARGV[5] code       appointment code (mode appt)
-- ARGV[6] idemKey    idempotency key, '' for none
-- ARGV[7] name, ARGV[8] idNumber, ARGV[9] dose   (mode walkin)
-- ARGV[10] earlyMs   how long before its slot an appointment may check in
-- KEYS[2], KEYS[3]   optional rate-limit buckets (client address, site): rate, burst in ARGV[11..14]
-- Returns {ok, replay, ticket, counts} or {err = VOUCHER_INVALID | VOUCHER_WRONG_DAY (day) |
-- TOO_EARLY (from) | ALREADY_CHECKED_IN (number) | RATE_LIMITED (retryAfterMs)}.
local mode, code, idem = ARGV[4], ARGV[5], ARGV[6]
local early = tonumber(ARGV[10])

if #KEYS > 1 then
  local wait = take_tokens(buckets_of(2, 11))
  if wait > 0 then return fail('RATE_LIMITED', {retryAfterMs = wait}) end
end

if idem ~= '' then
  local prior = redis.call('GET', P .. 'idem:' .. idem)
  if prior then
    local day, num = string.match(prior, '^([^|]+)|(.+)$')
    if day == DAY then
      local t = load_ticket(num)
      if t then return reply({ok = true, replay = true, ticket = view(t), counts = counts()}) end
    end
  end
end

local category, name, id_number, dose, appt_key, person_key
if mode == 'appt' then
  appt_key = P .. 'appt:' .. code
  local a = hgetall(appt_key)
  if not a.code then return fail('VOUCHER_INVALID') end
  if a.day ~= DAY then return fail('VOUCHER_WRONG_DAY', {day = a.day}) end
  if a.ticket then return fail('ALREADY_CHECKED_IN', {number = a.ticket}) end
  if NOW < tonumber(a.slotStart) - early then
    return fail('TOO_EARLY', {from = tonumber(a.slotStart) - early})
  end
  category = (a.priority ~= nil and a.priority ~= '') and 'P' or 'A'
  name, id_number, dose = a.name, a.idNumber, a.dose
else
  name, id_number, dose = ARGV[7], ARGV[8], ARGV[9]
  category = 'W'
end
person_key = P .. 'person:' .. DAY .. ':' .. id_number
local already = redis.call('GET', person_key)
if already then return fail('ALREADY_CHECKED_IN', {number = already}) end

local seq = redis.call('HINCRBY', DAYK, 'seq:' .. category, 1)
local num = category .. string.format('%03d', seq)
local t = {number = num, category = category, stage = 'new', state = 'new', createdAt = tostring(NOW)}
redis.call('HSET', tkey(num), 'number', num, 'category', category, 'name', name, 'idNumber', id_number,
           'dose', dose, 'appointment', code, 'createdAt', t.createdAt, 'stage', 'new', 'state', 'new')
redis.call('HINCRBY', DAYK, 'issued', 1)
bump('new', 1)

if count('hall') < setting('hallCapacity') and queue_length('outside') == 0 then
  transition(t, 'hall', 'waiting', 'checkin', {'category', category})
  enqueue('hall', t)
else
  transition(t, 'outside', 'waiting', 'checkin', {'category', category})
  enqueue('outside', t)
end
fill()

redis.call('SET', person_key, num, 'EX', 172800)
if appt_key then redis.call('HSET', appt_key, 'ticket', num) end
if idem ~= '' then redis.call('SET', P .. 'idem:' .. idem, DAY .. '|' .. num, 'EX', 172800) end
return reply({ok = true, replay = false, ticket = view(load_ticket(num)), counts = counts()})
