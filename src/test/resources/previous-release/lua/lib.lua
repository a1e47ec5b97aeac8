-- lib.lua: shared by every transition script (prepended when the script is loaded).
--
-- Calling convention of every script:
--   KEYS[1] = 'vf:{site}'   the site's key prefix; the {site} hash tag puts all its keys in one slot
--   ARGV[1] = now           server clock, epoch milliseconds
--   ARGV[2] = day           the site's local date, yyyy-mm-dd
--   ARGV[3] = actor         staff id, 'kiosk', 'public' or 'system'
--   ARGV[4..]               the script's own arguments, named at its top
-- Every script returns one JSON string: {ok = ...} or {err = 'CODE', ...details}.
--
-- Keys of a site (P = 'vf:{site}:', D = day):
--   P..'day:'..D             hash: counters n:<bucket>, seq:<A|P|W>, streak:<queue>, callseq
--   P..'t:'..D..':'..num     hash: one ticket
--   P..'q:'..D..':'..q..':p' list: priority lane of queue q (outside, hall, room, vacc)
--   P..'q:'..D..':'..q..':r' list: regular lane of queue q
--   P..'st:'..id             hash: one station (state, ticket, day, staffId, since)
--   P..'timers'              zset: 'arrive|D|num', 'lease|station', 'observe|D|num' scored by due ms
--   P..'settings'            hash: cfg.<name> from the config file, <name> overridden by a manager
--   P..'events'              stream: every transition (the audit log and the calls feed)
--   P..'daystart'            hash: D -> id of the day's first event
--   P..'appt:'..code         hash: one appointment
--   P..'slots:'..D           hash: slot HH:MM -> appointments booked
--   P..'booked:'..D..':'..id string: appointment code of a person's booking that day
--   P..'idem:'..key          string: 'D|num' of the check-in made with that idempotency key
--   P..'person:'..D..':'..id string: ticket number of a person checked in that day

local P = KEYS[1] .. ':'
local NOW = tonumber(ARGV[1])
local DAY = ARGV[2]
local ACTOR = ARGV[3]
local DAYK = P .. 'day:' .. DAY
local TIMERS = P .. 'timers'

local function tkey(num) return P .. 't:' .. DAY .. ':' .. num end
local function qkey(q, lane) return P .. 'q:' .. DAY .. ':' .. q .. ':' .. lane end
local function skey(id) return P .. 'st:' .. id end

local function reply(t) return cjson.encode(t) end
local function fail(code, details)
  local t = details or {}
  t.err = code
  return cjson.encode(t)
end

local function hgetall(key)
  local flat = redis.call('HGETALL', key)
  local t = {}
  for i = 1, #flat, 2 do t[flat[i]] = flat[i + 1] end
  return t
end

local settings_cache
local function setting(name)
  if not settings_cache then settings_cache = hgetall(P .. 'settings') end
  local v = settings_cache[name] or settings_cache['cfg.' .. name]
  return tonumber(v or '0')
end

local function count(bucket) return tonumber(redis.call('HGET', DAYK, 'n:' .. bucket) or '0') end
local function bump(bucket, by) redis.call('HINCRBY', DAYK, 'n:' .. bucket, by) end

-- The bucket a ticket is counted in: its stage, or no_show; 'to_room' counts hall tickets called
-- to the room (they hold a room seat and still count in the hall until the door scans them).
local function bucket(stage, state)
  if state == 'no_show' then return 'no_show' end
  return stage
end

local function load_ticket(num)
  local t = hgetall(tkey(num))
  if not t.number then return nil end
  return t
end

-- Append one event to the site's stream; every transition goes through here.
local function event(kind, fields)
  local args = {'XADD', P .. 'events', 'MAXLEN', '~', '200000', '*',
                'type', kind, 'day', DAY, 'at', tostring(NOW), 'by', ACTOR}
  for i = 1, #fields, 2 do
    if fields[i + 1] ~= nil and fields[i + 1] ~= false then
      args[#args + 1] = fields[i]
      args[#args + 1] = tostring(fields[i + 1])
    end
  end
  local id = redis.call(unpack(args))
  redis.call('HSETNX', P .. 'daystart', DAY, id)
  return id
end

-- Move a ticket to a stage and state, keeping the counters and recording the event.
local function transition(t, stage, state, kind, extra)
  local from_b, to_b = bucket(t.stage, t.state), bucket(stage, state)
  if from_b ~= to_b then
    bump(from_b, -1)
    bump(to_b, 1)
  end
  local was_to_room = t.stage == 'hall' and t.state == 'called'
  local is_to_room = stage == 'hall' and state == 'called'
  if was_to_room ~= is_to_room then bump('to_room', is_to_room and 1 or -1) end
  local fields = {'number', t.number, 'from', t.stage .. '/' .. t.state, 'to', stage .. '/' .. state}
  for _, v in ipairs(extra or {}) do fields[#fields + 1] = v end
  local id = event(kind, fields)
  t.stage, t.state, t.updatedAt = stage, state, tostring(NOW)
  redis.call('HSET', tkey(t.number), 'stage', stage, 'state', state, 'updatedAt', t.updatedAt)
  return id
end

-- A call: the ticket is told where to go. Recorded as a 'call' event that the announcer repeats.
local function call(t, to_kind, to_id, batch)
  local id = event('call', {'number', t.number, 'toKind', to_kind, 'toId', to_id,
                            'stage', t.stage, 'batch', batch})
  redis.call('HSET', tkey(t.number), 'lastCallId', id, 'lastCallKind', to_kind,
             'lastCallTo', to_id, 'lastCallAt', tostring(NOW))
  t.lastCallId, t.lastCallKind, t.lastCallTo, t.lastCallAt = id, to_kind, to_id, tostring(NOW)
  return id
end

local function lane_of(t) if t.category == 'P' then return 'p' end return 'r' end
-- A day's keys outlive it by KEEP seconds (the day's report can still be read), then expire.
local KEEP = 259200
local function enqueue(q, t)
  local key = qkey(q, lane_of(t))
  redis.call('RPUSH', key, t.number)
  redis.call('EXPIRE', key, KEEP)
end
local function enqueue_head(q, t)
  local key = qkey(q, lane_of(t))
  redis.call('LPUSH', key, t.number)
  redis.call('EXPIRE', key, KEEP)
end

-- Take the next ticket of queue q: priority first, but at most priorityInARow in a row while
-- regular tickets wait.
local function pick(q)
  local p, r = qkey(q, 'p'), qkey(q, 'r')
  local field = 'streak:' .. q
  local streak = tonumber(redis.call('HGET', DAYK, field) or '0')
  if redis.call('LLEN', p) > 0 and (streak < setting('priorityInARow') or redis.call('LLEN', r) == 0) then
    redis.call('HINCRBY', DAYK, field, 1)
    return redis.call('LPOP', p)
  end
  local num = redis.call('LPOP', r)
  if num then redis.call('HSET', DAYK, field, 0) end
  return num
end

local function queue_length(q) return redis.call('LLEN', qkey(q, 'p')) + redis.call('LLEN', qkey(q, 'r')) end

local QUEUE_OF = {outside = 'outside', hall = 'hall', room = 'room', vaccination = 'vacc'}

-- People who will be called before this ticket at its current stage.
local function people_ahead(t)
  if t.state ~= 'waiting' then return 0 end
  local q = QUEUE_OF[t.stage]
  if not q then return 0 end
  -- Scanned from the tail: a ticket just checked in is found at once, whatever the queue's length.
  local pos = redis.call('LPOS', qkey(q, lane_of(t)), t.number, 'RANK', -1)
  if not pos then return 0 end
  if lane_of(t) == 'r' then pos = pos + redis.call('LLEN', qkey(q, 'p')) end
  return pos
end

-- Fill the buffers downstream: outside -> hall while the hall has seats, then hall -> vaccine
-- room while the room has seats (one batch of calls). Returns the numbers called to the room.
local function fill()
  local hall_cap = setting('hallCapacity')
  while count('hall') < hall_cap do
    local num = pick('outside')
    if not num then break end
    local t = load_ticket(num)
    transition(t, 'hall', 'waiting', 'enter_hall')
    enqueue('hall', t)
    call(t, 'hall', 'hall')
  end
  local free = setting('roomCapacity') - count('room') - count('to_room')
  local called = {}
  local batch
  while free > 0 do
    local num = pick('hall')
    if not num then break end
    local t = load_ticket(num)
    batch = batch or (t.number)
    transition(t, 'hall', 'called', 'call_room')
    redis.call('HSET', tkey(num), 'recalls', 0)
    call(t, 'room', 'room', batch)
    redis.call('ZADD', TIMERS, NOW + setting('arrivalTimeoutSec') * 1000, 'arrive|' .. DAY .. '|' .. num)
    called[#called + 1] = num
    free = free - 1
  end
  return called
end

local BUCKETS = {'outside', 'hall', 'to_room', 'room', 'desk', 'vaccination', 'booth', 'observation', 'released', 'no_show'}

local function counts()
  local c = {}
  for _, b in ipairs(BUCKETS) do c[b] = count(b) end
  c.issued = tonumber(redis.call('HGET', DAYK, 'issued') or '0')
  c.hallCapacity = setting('hallCapacity')
  c.roomCapacity = setting('roomCapacity')
  return c
end

-- The public view of a ticket: no name, no id number.
local function view(t)
  return {number = t.number, category = t.category, stage = t.stage, state = t.state,
          station = t.station or '', createdAt = tonumber(t.createdAt), updatedAt = tonumber(t.updatedAt),
          peopleAhead = people_ahead(t), recalls = tonumber(t.recalls or '0'),
          lastCallId = t.lastCallId or '', lastCallKind = t.lastCallKind or '',
          lastCallTo = t.lastCallTo or '', lastCallAt = tonumber(t.lastCallAt or '0'),
          verified = t.verified or ''}
end

local function load_station(id)
  local s = hgetall(skey(id))
  s.id = id
  s.state = s.state or 'idle'
  return s
end

local function station_view(s)
  return {id = s.id, state = s.state, ticket = s.ticket or '', day = s.day or '',
          staffId = s.staffId or '', since = tonumber(s.since or '0')}
end

local function set_station(s, state, num)
  s.state, s.since = state, tostring(NOW)
  if num then
    s.ticket, s.day = num, DAY
    redis.call('HSET', skey(s.id), 'state', state, 'ticket', num, 'day', DAY, 'staffId', ACTOR, 'since', s.since)
  else
    s.ticket, s.day = nil, nil
    redis.call('HDEL', skey(s.id), 'ticket', 'day')
    redis.call('HSET', skey(s.id), 'state', state, 'staffId', ACTOR, 'since', s.since)
  end
end

local function lease(station_id)
  redis.call('ZADD', TIMERS, NOW + setting('leaseSec') * 1000, 'lease|' .. station_id)
end

local KIND_QUEUE = {desk = 'room', booth = 'vacc'}
local KIND_WAIT_STAGE = {desk = 'room', booth = 'vaccination'}

local function kind_of(station_id) return string.match(station_id, '^(%a+)%-') end

-- The ticket a station holds, or an error reply when it holds none.
local function held(s)
  if not s.ticket or s.day ~= DAY then return nil end
  return load_ticket(s.ticket)
end

-- Give a station's ticket back to the head of the queue it came from; the station goes idle.
local function give_back(s, t, kind)
  local k = kind_of(s.id)
  transition(t, KIND_WAIT_STAGE[k], 'waiting', kind, {'station', s.id})
  redis.call('HDEL', tkey(t.number), 'station')
  enqueue_head(KIND_QUEUE[k], t)
  redis.call('ZREM', TIMERS, 'lease|' .. s.id)
  set_station(s, 'idle')
end

-- Token buckets, each {key, rate per second, burst}: take one token from every bucket, or from
-- none when any is empty. Returns 0 when taken, else the milliseconds until a token is back.
local function take_tokens(buckets)
  local left, wait = {}, 0
  for i, b in ipairs(buckets) do
    local s = redis.call('HMGET', b[1], 'tokens', 'ts')
    local tokens = tonumber(s[1]) or b[3]
    local ts = tonumber(s[2]) or NOW
    tokens = math.min(b[3], tokens + math.max(0, NOW - ts) * b[2] / 1000)
    left[i] = tokens
    if tokens < 1 then wait = math.max(wait, math.ceil((1 - tokens) * 1000 / b[2])) end
  end
  if wait > 0 then return wait end
  for i, b in ipairs(buckets) do
    redis.call('HSET', b[1], 'tokens', tostring(left[i] - 1), 'ts', NOW)
    redis.call('PEXPIRE', b[1], math.ceil(b[3] / b[2] * 1000) + 1000)
  end
  return 0
end

-- The buckets named by KEYS[from..] with rate, burst pairs in ARGV[argv_from..].
local function buckets_of(from, argv_from)
  local list = {}
  for i = from, #KEYS do
    local a = argv_from + (i - from) * 2
    list[#list + 1] = {KEYS[i], tonumber(ARGV[a]), tonumber(ARGV[a + 1])}
  end
  return list
end
