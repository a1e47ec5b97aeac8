-- lib/site.lua: the ticket flow of a site: its keys, counters, tickets, queues, buffers and stations.
--
-- Keys of a site (P = 'vf:{site}:', D = a day, the one a ticket was issued on or today):
--   P..'now'                 hash: people in the site now, n:<stage bucket>; streak:<queue>
--   P..'live'                hash: number -> D of the latest ticket with that number: lookups resolve
--                            here, and a new number never collides with a ticket still in the site
--                            (a released or no-show ticket of an earlier day gives its number up)
--   P..'day:'..D             hash: the day's tallies: seq:<A|P|W>, issued, n:released, n:no_show
--                            (terminal buckets are counted on the ticket's own day)
--   P..'t:'..D..':'..num     hash: one ticket (day, number, stage, state, ...; away = '1' while it waits
--                            away from the hall, calledBack = '1' once called back, lastCall*: its latest call;
--                            name, idNumber sealed (security/PersonalData) until erased, person its PersonKey; hold:
--                            set while the immunization record still needs them, see erase.lua)
--   P..'q:'..q..':p'         list: priority lane of queue q (outside, hall, room, vacc)
--   P..'q:'..q..':r'         list: regular lane of queue q
--   P..'st:'..id             hash: one station (state, ticket, day, staffId, since)
--   P..'timers'              zset: 'arrive|D|num', 'lease|station', 'observe|D|num' scored by due ms
--   P..'observe:held'        zset: 'D|num' of people in observation held by a severe reaction (their
--                            'observe' timer is off until staff clear it), scored by ms of the reaction
--   P..'settings'            hash: cfg.<name> from the config file (cfg.epoch marks a Redis that
--                            has the site's data), <name> overridden by a manager; walkInsStoppedUntil
--                            (ms) and closedOn (D closed early) set by a manager (site_mode.lua);
--                            redisRunId: the Redis process that last ran the site's scripts (restart_check)
--   P..'events'              stream: every transition (the audit log), each day's events kept
--                            cfg.auditRetentionDays days after it (drop_old_days)
--   P..'calls'               stream: the call events only, same ids, capped (the calls feed)
--   P..'says'                zset: a call's repeat sayings 'callId|n' scored by due ms (lua/say.lua)
--   P..'displays:acks'       zset: hall display id scored by ms of the last contact with it (bounded, expires)
--   P..'displays:last'       hash: hall display id -> 'ackMs|callId|contactMs|sound|closed' (same members)
--   P..'daystart'            hash: D -> id of the day's first event (the days the stream still keeps)
--   P..'appt:'..code         hash: one appointment (book.lua; book_change.lua sets its flag, book_cancel.lua removes it;
--                            name, idNumber, phone sealed until erased, person its PersonKey)
--   P..'away:tickets'        set: numbers of tickets waiting outside or in the hall that wait away or were called
--                            back: their public view reads their hash (lua/follow.lua); kept by transition, call_back
--   P..'reminders'           zset: appointment code scored by ms its reminder is due (book.lua adds it, remind.lua
--                            moves it into the stream); a booking cancelled or erased removes it (ZREM)
--   P..'alerts'              hash: 'CODE' or 'CODE|subject' of an alert raised -> 'wall ms|severity|value|limit'
--                            of the last sighting by any server (alerts.lua)
--   P..'slots:'..D           hash: slot HH:MM -> appointments booked
--   P..'idem:'..key          string: 'D|num' of the check-in made with that idempotency key
--   P..'used:'..code         string: the number a voucher was checked in as
--   P..'person:'..D..':'..k  string: first ticket number that day of the person whose keyed hash is k (PersonKey: never
--                            the ID number itself), shown to desks as sameIdAs
--   P..'erase'               zset: 't|D|num' (a ticket released or no-show) and 'a|code' (a booking) scored by the ms
--                            their person's name, ID number and phone (sealed) are erased (privacy.retainHours; erase.lua)
--   P..'svc:'..kind          list: latest service durations (ms) of desks or booths (lib/waits.lua)
--   P..'waits:scored'        list: 'at|actualMs|loMs|hiMs' of the latest booth calls of predicted tickets (lib/waits.lua)
--   P..'stats:'..D           hash: the dashboard's figures of the day, kept as it happens (lib/stats.lua)
--   P..'hist:'..D..':'..w    hash: the day's waits ended, w = desk | booth, by tenths of a minute (lib/stats.lua)
--   P..'device:'.., P..'devices', P..'enrol:'.., P..'device_sessions:'..   the site's enrolled devices (lib/devices.lua)
--   P..'lot:'.., P..'lots', P..'vial:'.., P..'shot:'.., P..'stock:'..D      the site's vaccine stock (lib/stock.lua)
--   P..'shot:'..id           (also) deliveredAt, deliveredTo once the immunization registry has the shot (shot_delivered.lua)
--   P..'certkey'             string: the site's certificate signing key, demo mode only (cert_key.lua)
--   P..'doses:booked'        hash: D -> doses booked for D and not given or let go yet (lib/doses.lua)

-- The day's figures, set by lib/stats.lua: every script that writes includes it after this file.
local stats_event, stats_move, stats_station

local DAYK = P .. 'day:' .. DAY
local NOWK = P .. 'now'
local LIVE = P .. 'live'
local TIMERS = P .. 'timers'
-- A day's keys outlive their last write by KEEP seconds (the day's report can still be read).
local KEEP = 259200

local function daykey(day) return P .. 'day:' .. day end
local function tkey_on(day, num) return P .. 't:' .. day .. ':' .. num end
local function tkey(t) return tkey_on(t.day, t.number) end
local function qkey(q, lane) return P .. 'q:' .. q .. ':' .. lane end
local function skey(id) return P .. 'st:' .. id end

local settings_cache
local function setting(name)
  if not settings_cache then settings_cache = hgetall(P .. 'settings') end
  local v = settings_cache[name] or settings_cache['cfg.' .. name]
  return tonumber(v or '0')
end

-- A Redis that lost its data (restarted empty, a failover to an empty replica) has no marker:
-- scripts refuse with STORE_RESET instead of running on zero capacities and restarted numbers.
local function site_ready()
  if not settings_cache then settings_cache = hgetall(P .. 'settings') end
  return settings_cache['cfg.epoch'] ~= nil
end

-- Stage buckets of people in the site now are site-wide (they carry over midnight); the terminal
-- buckets are tallies of the ticket's own day. 'away' counts the people waiting away from the hall.
local TERMINAL = {released = true, no_show = true}
local function count(bucket, day)
  local key = TERMINAL[bucket] and daykey(day or DAY) or NOWK
  return tonumber(redis.call('HGET', key, 'n:' .. bucket) or '0')
end
local function bump(bucket, by, day)
  if TERMINAL[bucket] then
    local key = daykey(day or DAY)
    redis.call('HINCRBY', key, 'n:' .. bucket, by)
    redis.call('EXPIRE', key, KEEP)
  else
    redis.call('HINCRBY', NOWK, 'n:' .. bucket, by)
  end
end

-- The bucket a ticket is counted in: its stage, or no_show, or away (a ticket waiting outside or in
-- the hall whose person waits away from the site: it keeps its place in its queue but holds no hall
-- seat); 'to_room' counts hall tickets called to the room (they hold a room seat and still count in
-- the hall until the door scans them).
local function bucket(stage, state, away)
  if state == 'no_show' then return 'no_show' end
  if away and state == 'waiting' and (stage == 'outside' or stage == 'hall') then return 'away' end
  return stage
end

local function is_away(t) return t.away == '1' end

-- Whether the person may go and wait away: waiting outside or in the hall, not away already, and
-- not called back (their turn is near).
local function may_go_away(t)
  return t.state == 'waiting' and (t.stage == 'outside' or t.stage == 'hall') and not is_away(t)
      and t.calledBack ~= '1'
end

local function load_ticket_on(day, num)
  local t = hgetall(tkey_on(day, num))
  if not t.number then return nil end
  t.day = day
  return t
end

-- The ticket with this number still in the site (whatever day it was issued), else today's.
local function load_ticket(num)
  return load_ticket_on(redis.call('HGET', LIVE, num) or DAY, num)
end

-- Days since 1970-01-01 of a day 'yyyy-mm-dd' (the proleptic Gregorian calendar; H. Hinnant's days_from_civil).
local function day_number(d)
  local y, m, dd = tonumber(string.sub(d, 1, 4)), tonumber(string.sub(d, 6, 7)), tonumber(string.sub(d, 9, 10))
  if m <= 2 then y = y - 1 end
  local era = math.floor(y / 400)
  local yoe = y - era * 400
  local doy = math.floor((153 * ((m + 9) % 12) + 2) / 5) + dd - 1
  return era * 146097 + yoe * 365 + math.floor(yoe / 4) - math.floor(yoe / 100) + doy - 719468
end

-- Whether stream id a ('ms-seq') is older than b.
local function id_older(a, b)
  local am, as = string.match(a, '^(%d+)-(%d+)$')
  local bm, bs = string.match(b, '^(%d+)-(%d+)$')
  if tonumber(am) ~= tonumber(bm) then return tonumber(am) < tonumber(bm) end
  return tonumber(as) < tonumber(bs)
end

-- The audit log keeps every event of a day for cfg.auditRetentionDays days after it: on a day's first event
-- the days older than that leave the stream together (XTRIM MINID: the first event of the oldest day kept; the
-- stream frees whole blocks of ~100 entries at once, so it is cheap however big the days were), and their
-- daystart entries. A count cap would drop the morning of a big day; this never drops an event of a day kept.
local function drop_old_days()
  local keep = setting('auditRetentionDays')
  if keep <= 0 then return end -- not published yet (settings of an earlier release): nothing is dropped
  local oldest = day_number(DAY) - keep
  local first
  for d, id in pairs(hgetall(P .. 'daystart')) do
    if day_number(d) < oldest then
      redis.call('HDEL', P .. 'daystart', d)
    elseif not first or id_older(id, first) then
      first = id
    end
  end
  if first then redis.call('XTRIM', P .. 'events', 'MINID', first) end
end

-- Append one entry to the site's stream (the audit log, and what every instance and webhook reads);
-- fields without a value are left out.
local function append(kind, fields)
  local args = {'XADD', P .. 'events', '*', 'type', kind, 'day', DAY, 'at', tostring(NOW), 'by', ACTOR}
  for i = 1, #fields, 2 do
    if fields[i + 1] ~= nil and fields[i + 1] ~= false then
      args[#args + 1] = fields[i]
      args[#args + 1] = tostring(fields[i + 1])
    end
  end
  local id = redis.call(unpack(args))
  if redis.call('HSETNX', P .. 'daystart', DAY, id) == 1 then drop_old_days() end
  return id
end

-- The Redis process the site's data is in, by its run id (INFO server). P..'settings' redisRunId names the one
-- that last ran the site's scripts; another one restarted (from an append-only file that may miss its last
-- second: appendfsync everysec) or took over (a replica that may lag). The first script on it lifts today's
-- numbering of each category in use above the highest number the server running it saw issued (floors
-- {A, P, W}: from its replies and its stream tail) and RESTART_MARGIN more, for numbers another server issued
-- in the moment before that this one had not read yet (its tail is milliseconds behind), and records the
-- restart in the audit log. Every number a kiosk was told stays issued once. Returns the run id and whether
-- this call found the restart.
local RESTART_MARGIN = 10
local function restart_check(floors)
  if not settings_cache then settings_cache = hgetall(P .. 'settings') end
  local rid = string.match(redis.call('INFO', 'server'), 'run_id:(%w+)')
  local was = settings_cache['redisRunId']
  if rid == nil or rid == was then return rid, false end
  redis.call('HSET', P .. 'settings', 'redisRunId', rid)
  settings_cache['redisRunId'] = rid
  if was == nil then return rid, false end -- the first script on this site's data
  local lifted = {}
  for _, c in ipairs({'A', 'P', 'W'}) do
    local seq = tonumber(redis.call('HGET', DAYK, 'seq:' .. c) or '0')
    local floor = tonumber((floors or {})[c] or '0')
    if seq > 0 or floor > 0 then
      local to = math.max(seq, floor) + RESTART_MARGIN
      redis.call('HSET', DAYK, 'seq:' .. c, to)
      lifted[#lifted + 1] = c .. seq .. '>' .. to
    end
  end
  if #lifted > 0 then redis.call('EXPIRE', DAYK, KEEP) end
  append('redis_restart', {'runId', rid, 'was', was, 'lifted', table.concat(lifted, ' ')})
  return rid, true
end

-- A booking's reminder, due now: a 'reminder' event naming the appointment (never its phone: the
-- webhooks read that from the appointment as they deliver it, to receivers of reminders only).
local function remind(code, day, slot)
  return append('reminder', {'appointment', code, 'bookedDay', day, 'slot', slot})
end

-- One event of the day's flow, counted in its figures (lib/stats.lua); every transition goes through
-- here. What happens beside the flow (an alert, a reminder) is appended alone: it must not open the
-- day's window of the figures at night.
local function event(kind, fields)
  local id = append(kind, fields)
  stats_event(kind)
  return id
end

-- A ticket waiting in a queue whose public view is more than its queue's (away, or called back):
-- lua/follow.lua reads its hash.
local function mark_away(t)
  redis.call('SADD', P .. 'away:tickets', t.number)
  redis.call('EXPIRE', P .. 'away:tickets', KEEP)
end

-- Move a ticket to a stage and state, keeping the counters and recording the event; away: it waits
-- away from the hall after the move (only a ticket waiting outside or in the hall can).
local function transition(t, stage, state, kind, extra, away)
  local from_b, to_b = bucket(t.stage, t.state, is_away(t)), bucket(stage, state, away)
  if from_b ~= to_b then
    bump(from_b, -1, t.day)
    bump(to_b, 1, t.day)
  end
  local marked = is_away(t) or t.calledBack == '1'
  if to_b == 'away' or (t.calledBack == '1' and state == 'waiting' and (stage == 'outside' or stage == 'hall')) then
    mark_away(t)
  elseif marked then
    redis.call('SREM', P .. 'away:tickets', t.number)
  end
  if is_away(t) ~= (to_b == 'away') then
    t.away = to_b == 'away' and '1' or nil
    if t.away then redis.call('HSET', tkey(t), 'away', '1') else redis.call('HDEL', tkey(t), 'away') end
  end
  local was_to_room = t.stage == 'hall' and t.state == 'called'
  local is_to_room = stage == 'hall' and state == 'called'
  if was_to_room ~= is_to_room then bump('to_room', is_to_room and 1 or -1) end
  stats_move(t, stage, state, kind, extra)
  local fields = {'number', t.number, 'from', t.stage .. '/' .. t.state, 'to', stage .. '/' .. state}
  for _, v in ipairs(extra or {}) do fields[#fields + 1] = v end
  local id = event(kind, fields)
  -- the person has left (or did not come): their name and ID number are kept privacy.retainHours more (erase.lua)
  if stage == 'released' or state == 'no_show' then
    redis.call('ZADD', P .. 'erase', NOW + setting('retainHours') * 3600000, 't|' .. t.day .. '|' .. t.number)
  end
  t.stage, t.state, t.updatedAt = stage, state, tostring(NOW)
  redis.call('HSET', tkey(t), 'stage', stage, 'state', state, 'updatedAt', t.updatedAt)
  redis.call('EXPIRE', tkey(t), KEEP)
  return id
end

-- A call: the ticket is told where to go. Recorded as a 'call' event that the announcer repeats;
-- back: a call back to the hall of someone waiting away (field back = 1).
local function call(t, to_kind, to_id, batch, back)
  -- appended when there: # of a table with a nil inside it is any of its borders
  local fields = {'number', t.number, 'toKind', to_kind, 'toId', to_id, 'stage', t.stage}
  if batch then fields[#fields + 1] = 'batch'; fields[#fields + 1] = batch end
  if back then fields[#fields + 1] = 'back'; fields[#fields + 1] = 1 end
  local id = event('call', fields)
  -- The calls feed's own index, so /calls never scans the other events (same id; pcall: a
  -- stream whose top id is newer, e.g. restored by hand, must not abort the transition).
  local index = {'XADD', P .. 'calls', 'MAXLEN', '~', '2000', id, 'number', t.number, 'toKind', to_kind,
                 'toId', to_id, 'batch', batch or '', 'at', tostring(NOW)}
  if back then index[#index + 1] = 'back'; index[#index + 1] = '1' end
  redis.pcall(unpack(index))
  t.lastCallBack = back and '1' or ''
  redis.call('HSET', tkey(t), 'lastCallId', id, 'lastCallKind', to_kind,
             'lastCallTo', to_id, 'lastCallAt', tostring(NOW), 'lastCallBack', t.lastCallBack)
  t.lastCallId, t.lastCallKind, t.lastCallTo, t.lastCallAt = id, to_kind, to_id, tostring(NOW)
  -- The call's later sayings, one interval apart, each claimed by one server when due (say.lua):
  -- scheduled here, in the same round trip as the call.
  for n = 2, setting('announceRepeats') do
    redis.call('ZADD', P .. 'says', 'NX', NOW + (n - 1) * setting('announceIntervalSec') * 1000, id .. '|' .. n)
  end
  return id
end

local function lane_of(t) if t.category == 'P' then return 'p' end return 'r' end
local function enqueue(q, t) redis.call('RPUSH', qkey(q, lane_of(t)), t.number) end
local function enqueue_head(q, t) redis.call('LPUSH', qkey(q, lane_of(t)), t.number) end

-- Take the next ticket of queue q: priority first, but at most priorityInARow in a row while
-- regular tickets wait. (pick_order below follows the same rule.)
local function pick(q)
  local p, r = qkey(q, 'p'), qkey(q, 'r')
  local field = 'streak:' .. q
  local streak = tonumber(redis.call('HGET', NOWK, field) or '0')
  if redis.call('LLEN', p) > 0 and (streak < setting('priorityInARow') or redis.call('LLEN', r) == 0) then
    redis.call('HINCRBY', NOWK, field, 1)
    return redis.call('LPOP', p)
  end
  local num = redis.call('LPOP', r)
  if num then redis.call('HSET', NOWK, field, 0) end
  return num
end

local function queue_length(q) return redis.call('LLEN', qkey(q, 'p')) + redis.call('LLEN', qkey(q, 'r')) end

-- The next n numbers pick(q) would take, in order, without taking them.
local function pick_order(q, n)
  local out = {}
  if n <= 0 then return out end
  local p = redis.call('LRANGE', qkey(q, 'p'), 0, n - 1)
  local r = redis.call('LRANGE', qkey(q, 'r'), 0, n - 1)
  local streak = tonumber(redis.call('HGET', NOWK, 'streak:' .. q) or '0')
  local most = setting('priorityInARow')
  local i, j = 1, 1
  while #out < n and (i <= #p or j <= #r) do
    if i <= #p and (streak < most or j > #r) then
      out[#out + 1], i, streak = p[i], i + 1, streak + 1
    else
      out[#out + 1], j, streak = r[j], j + 1, 0
    end
  end
  return out
end

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

-- Seats of the vaccine room not taken: a seat is held from the call to the room until the desk
-- is done with the patient (waiting in the room, on the way in, or at a desk), so a ticket given
-- back to the room by its desk always has its seat.
local function room_free()
  return setting('roomCapacity') - count('room') - count('to_room') - count('desk')
end

-- Fill the buffers downstream: outside -> hall while the hall has seats, then hall -> vaccine
-- room while the room has seats (one batch of calls). Returns the numbers called to the room.
-- A ticket waiting away moves on in its turn without a seat: into the hall's queue uncalled (it
-- takes no seat), and from the head of the hall straight to the room (from then on it counts in the
-- hall, like anyone called to the room, until the door scans it).
local function fill()
  local hall_cap = setting('hallCapacity')
  while count('hall') < hall_cap do
    local num = pick('outside')
    if not num then break end
    local t = load_ticket(num)
    local away = is_away(t)
    transition(t, 'hall', 'waiting', 'enter_hall', nil, away)
    enqueue('hall', t)
    if not away then call(t, 'hall', 'hall') end
  end
  local free = room_free()
  local called = {}
  local batch
  while free > 0 do
    local num = pick('hall')
    if not num then break end
    local t = load_ticket(num)
    batch = batch or (t.number)
    transition(t, 'hall', 'called', 'call_room')
    redis.call('HSET', tkey(t), 'recalls', 0)
    call(t, 'room', 'room', batch)
    redis.call('ZADD', TIMERS, NOW + setting('arrivalTimeoutSec') * 1000, 'arrive|' .. t.day .. '|' .. num)
    called[#called + 1] = num
    free = free - 1
  end
  return called
end

local BUCKETS = {'outside', 'away', 'hall', 'to_room', 'room', 'desk', 'vaccination', 'booth', 'observation', 'released', 'no_show'}

local function counts()
  local c = {}
  for _, b in ipairs(BUCKETS) do c[b] = count(b) end
  c.issued = tonumber(redis.call('HGET', DAYK, 'issued') or '0')
  c.hallCapacity = setting('hallCapacity')
  c.roomCapacity = setting('roomCapacity')
  return c
end

-- A ticket's record without its holder: no name, no id number (ahead: its place, if known).
local function view(t, ahead)
  return {number = t.number, day = t.day, category = t.category, stage = t.stage, state = t.state,
          station = t.station or '', createdAt = tonumber(t.createdAt), updatedAt = tonumber(t.updatedAt),
          peopleAhead = ahead or people_ahead(t), recalls = tonumber(t.recalls or '0'),
          lastCallId = t.lastCallId or '', lastCallKind = t.lastCallKind or '',
          lastCallTo = t.lastCallTo or '', lastCallAt = tonumber(t.lastCallAt or '0'),
          lastCallBack = t.lastCallBack == '1', verified = t.verified or '',
          away = is_away(t), awayAllowed = may_go_away(t)}
end

-- The person waiting away is called back to the hall (tick.lua, when their turn nears): an ordinary
-- ticket again, in the queue where it waits. In the hall's queue it holds a hall seat again at once,
-- even over the hall's capacity (it only delays the outside queue's next move in); in the outside
-- queue it waits to be called in like anyone there.
local function call_back(t)
  transition(t, t.stage, 'waiting', 'come_back')
  t.calledBack = '1'
  redis.call('HSET', tkey(t), 'calledBack', '1')
  mark_away(t)
  call(t, 'hall', 'hall', nil, true)
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

-- The station's state and the ticket it now holds (a ticket table), or none.
local function set_station(s, state, t)
  stats_station(s)
  s.state, s.since, s.staffId = state, tostring(NOW), ACTOR
  if t then
    s.ticket, s.day = t.number, t.day
    redis.call('HSET', skey(s.id), 'state', state, 'ticket', t.number, 'day', t.day, 'staffId', ACTOR, 'since', s.since)
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

-- The ticket a station holds (issued on any day: a station keeps its patient over midnight), or nil.
local function held(s)
  if not s.ticket then return nil end
  return load_ticket_on(s.day or DAY, s.ticket)
end

-- Give a station's ticket back to the head of the queue it came from; the station goes idle.
local function give_back(s, t, kind)
  local k = kind_of(s.id)
  transition(t, KIND_WAIT_STAGE[k], 'waiting', kind, {'station', s.id})
  redis.call('HDEL', tkey(t), 'station')
  enqueue_head(KIND_QUEUE[k], t)
  redis.call('ZREM', TIMERS, 'lease|' .. s.id)
  set_station(s, 'idle')
end
