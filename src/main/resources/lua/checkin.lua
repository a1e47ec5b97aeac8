-- checkin.lua: verify an appointment (or take a walk-in) and issue today's ticket.
-- A.mode        'appt' (the registry vouched for it) | 'offline' (signed voucher only) | 'walkin'
-- A.code        appointment code ('' for a walk-in)
-- A.idemKey     idempotency key, '' for none
-- A.name, A.idNumber           sealed (security/PersonalData; '' when offline: the desk checks identity)
-- A.person      the person's keyed hash (PersonKey, '' when offline): matched, never the ID number itself
-- A.dose        (0 when offline)
-- A.earlyMs     how long before its slot an appointment may check in
-- A.device      the kiosk's credential hash ('' for the demo's local computer): an enrolled kiosk of the site,
--               checked before anything else (a revoked kiosk takes no token and makes no ticket)
-- KEYS[2], KEYS[3]  optional rate-limit buckets (the kiosk, the site), A.buckets their
--                   [{rate, burst}] (absent when the caller already took the tokens, before
--                   asking the registry)
-- A.appointment {day, slotStart (ms), category A|P|S}   (modes appt and offline; S a standby invitation)
-- A.floors      {A, P, W}: the highest number of each category the server saw issued today (its replies,
--               its stream tail): numbering continues above it even on a Redis that lost its last writes
-- The used-set (P..'used:'..code) makes a voucher good for one ticket, online or offline. An ID
-- number typed at the kiosk proves nothing, so it neither refuses nor answers another ticket: a
-- second ticket with the same ID number is marked (sameIdAs) for the desk, which sees the person.
-- Returns {ok, replay, ticket, counts, redis (its run id), restarted} or {err = VOUCHER_WRONG_DAY (day) |
-- TOO_EARLY (from) | ALREADY_CHECKED_IN (number) | RATE_LIMITED (retryAfterMs) | DEVICE_REVOKED | DEVICE_REQUIRED |
-- STANDBY_GONE | STORE_RESET}. A standby invitation (category S) checks in while the site's open vials still hold a
-- dose beyond the people expected (lib/doses.lua), else STANDBY_GONE.
-- include: site, tokens, waits, stats, devices, stock, doses
if not site_ready() then return fail('STORE_RESET') end
local floors = A.floors or {}
local run_id, restarted = restart_check(floors)
local mode, code, idem = A.mode, A.code, A.idemKey
local early = A.earlyMs

if A.device ~= '' then
  local _, refused = enrolled_device(A.device, 'kiosk')
  if refused then return fail(refused) end
end

if #KEYS > 1 then
  local wait = take_tokens(buckets_of(2, A.buckets))
  if wait > 0 then return fail('RATE_LIMITED', {retryAfterMs = wait}) end
end

if idem ~= '' then
  -- A retry, even one that crosses midnight, gets the ticket the first attempt made.
  local prior = redis.call('GET', P .. 'idem:' .. idem)
  if prior then
    local day, num = string.match(prior, '^([^|]+)|(.+)$')
    local t = day and load_ticket_on(day, num)
    if t then
      return reply({ok = true, replay = true, ticket = public_ticket(t), counts = counts(), redis = run_id,
                    restarted = restarted})
    end
  end
end

-- A manager closed the site early today, or stopped walk-ins for a while (site_mode.lua).
if settings_cache['closedOn'] == DAY then return fail('SITE_CLOSED', {closedEarly = true}) end
if mode == 'walkin' and NOW < setting('walkInsStoppedUntil') then
  return fail('WALK_INS_STOPPED', {untilMs = setting('walkInsStoppedUntil')})
end

local name, id_number, person, dose = A.name, A.idNumber, A.person, A.dose
local category, used_key = 'W', nil
if mode == 'appt' or mode == 'offline' then
  -- The appointment as the registry told it, or (offline) as its signed voucher says.
  local appt_day, slot_start = A.appointment.day, A.appointment.slotStart
  category = A.appointment.category
  if appt_day ~= DAY then return fail('VOUCHER_WRONG_DAY', {day = appt_day}) end
  used_key = P .. 'used:' .. code
  local used = redis.call('GET', used_key)
  if used then return fail('ALREADY_CHECKED_IN', {number = used}) end
  if NOW < slot_start - early then return fail('TOO_EARLY', {from = slot_start - early}) end
  if category == 'S' then
    -- a standby invitation (standby.lua): the first to come get the doses left over; later, or once it expired, gone
    local invite = redis.call('HMGET', P .. 'appt:' .. code, 'expiresAt', 'lateMs')
    redis.call('ZREM', P .. 'invites:' .. DAY, code)
    if NOW > tonumber(invite[1] or '0') or standby_spare(tonumber(invite[2] or '0')) < 1 then
      stock_day('standbyGone', 1)
      return fail('STANDBY_GONE')
    end
    stock_day('standbyAccepted', 1)
  end
end

-- The day's next number of the category that no ticket still in the site holds (people from an
-- earlier day keep theirs). A ticket of an earlier day that has left (released, or a no-show)
-- gives its number up.
local function free(num)
  local day = redis.call('HGET', LIVE, num)
  if not day then return true end
  if day == DAY then return false end
  local old = load_ticket_on(day, num)
  if old and old.state ~= 'no_show' and old.stage ~= 'released' then return false end
  redis.call('HDEL', LIVE, num)
  return true
end
local floor = tonumber(floors[category] or '0')
local num
repeat
  local seq = redis.call('HINCRBY', DAYK, 'seq:' .. category, 1)
  if seq <= floor then -- Redis lost numbers the server saw issued
    seq = floor + 1
    redis.call('HSET', DAYK, 'seq:' .. category, seq)
  end
  num = category .. string.format('%03d', seq)
until free(num)

local same_id = ''
if person ~= '' then
  local person_key = P .. 'person:' .. DAY .. ':' .. person
  same_id = redis.call('GET', person_key) or ''
  if same_id == '' then redis.call('SET', person_key, num, 'EX', 172800) end
end

local t = {number = num, day = DAY, category = category, stage = 'new', state = 'new', createdAt = tostring(NOW)}
redis.call('HSET', tkey(t), 'number', num, 'day', DAY, 'category', category, 'name', name, 'idNumber', id_number,
           'person', person, 'dose', dose, 'appointment', code, 'verified', mode, 'createdAt', t.createdAt, 'stage', 'new', 'state', 'new',
           'sameIdAs', same_id)
if code ~= '' and redis.call('HGET', P .. 'appt:' .. code, 'anaphylaxis') == '1' then redis.call('HSET', tkey(t), 'risk', 'high') end
redis.call('EXPIRE', tkey(t), KEEP)
redis.call('HSET', LIVE, num, DAY)
redis.call('HINCRBY', DAYK, 'issued', 1)
redis.call('EXPIRE', DAYK, KEEP)
bump('new', 1)
-- The ticket joins the end of its queue: its wait predicted now, as it will be behind everyone waiting.
local w = predict_new(category)
local checkin_fields = {'category', category, 'predMin', w.min, 'predLo', w.lo, 'predHi', w.hi}
if count('hall') < setting('hallCapacity') and queue_length('outside') == 0 then
  transition(t, 'hall', 'waiting', 'checkin', checkin_fields)
  enqueue('hall', t)
else
  transition(t, 'outside', 'waiting', 'checkin', checkin_fields)
  enqueue('outside', t)
end
fill()

if used_key then redis.call('SET', used_key, num, 'EX', 259200) end
if idem ~= '' then redis.call('SET', P .. 'idem:' .. idem, DAY .. '|' .. num, 'EX', 172800) end
-- What the kiosk shows is the ticket's public view once the buffers are filled: the one the
-- lookup and the phone show at the same moment (lib/waits.lua public_view). The wait kept for
-- scoring (waits_scored) is the one shown. The check-in event's, predicted as the ticket joined
-- its queue, is the same: filling only moves this ticket on (the buffers were full or their
-- queues empty before it came), and a ticket called to the room keeps those called before it ahead.
local v = public_ticket(load_ticket_on(DAY, num))
redis.call('HSET', tkey(t), 'predMin', v.wait.min, 'predLo', v.wait.lo, 'predHi', v.wait.hi)
return reply({ok = true, replay = false, ticket = v, counts = counts(), redis = run_id, restarted = restarted})
