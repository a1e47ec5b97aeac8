-- lib/waits.lua: predicted waits learned from the site (included after lib/site.lua). The README's
-- "How a wait is predicted" explains the method.
--
-- Keys (P = 'vf:{site}:'):
--   P..'svc:'..kind          list: the latest service durations (ms, call to done) of desks or booths, newest first
--   P..'waits:scored'        list: 'at|actualMs|loMs|hiMs' of the latest booth calls of predicted tickets, newest first

local SVC_KEEP = 100   -- service durations kept per station kind (a short window chases streaks of fast or slow patients)
local PRIOR_N = 5      -- the configured service time weighs as much as this many observed ones
local SCORED_KEEP = 100
local MIN_MS = 60000

local function svc_record(kind, ms)
  if not ms or ms <= 0 then return end
  local key = P .. 'svc:' .. kind
  redis.call('LPUSH', key, ms)
  redis.call('LTRIM', key, 0, SVC_KEEP - 1)
  redis.call('EXPIRE', key, KEEP)
end

-- A station finished its patient (done.lua): its service time, from its call to the station.
local function waits_done(kind, t)
  if t.lastCallKind == kind then svc_record(kind, NOW - tonumber(t.lastCallAt or NOW)) end
end

-- The mean and standard deviation (ms) of a kind's service time: the recent ones, with the
-- configured time as the prior; and how many of its stations are open (not paused or closed).
local function rate_of(kind)
  local prior = setting(kind .. 'ServiceMin') * MIN_MS
  if prior <= 0 then prior = (kind == 'desk' and 3 or 4) * MIN_MS end
  local xs = redis.call('LRANGE', P .. 'svc:' .. kind, 0, -1)
  local n, sum, sq = #xs, 0, 0
  for _, x in ipairs(xs) do x = tonumber(x); sum = sum + x; sq = sq + x * x end
  local mean = (sum + PRIOR_N * prior) / (n + PRIOR_N)
  local var = (0.5 * prior) ^ 2 -- until enough samples: a coefficient of variation of 0.5
  if n >= 5 then var = math.max(0, sq / n - (sum / n) ^ 2) end
  local open = 0
  for i = 1, setting(kind .. 's') do
    local st = redis.call('HGET', skey(kind .. '-' .. i), 'state') or 'idle'
    if st ~= 'paused' and st ~= 'closed' then open = open + 1 end
  end
  return {mean = mean, sd = math.sqrt(var), open = math.max(open, 1)}
end

-- The site at one moment, as every prediction reads it: the stations' rates, who is at a desk or
-- booth or on the way to the room, each queue's lanes. Read once, it serves any number of
-- predictions of the same moment (the phones' views: lua/follow.lua).
local function moment()
  local m = {desk = rate_of('desk'), booth = rate_of('booth'), busy_desk = count('desk'),
             busy_booth = count('booth'), to_room = count('to_room'), p = {}, all = {}}
  for _, q in pairs(QUEUE_OF) do
    m.p[q] = redis.call('LLEN', qkey(q, 'p'))
    m.all[q] = m.p[q] + redis.call('LLEN', qkey(q, 'r'))
  end
  return m
end

local function qlen(m, q, priority)
  if priority then return m.p[q] end
  return m.all[q]
end

-- The wait (ms) until a booth call of someone with desk_ahead people to be called to a desk before
-- them (0 and at_desk: at a desk now; nil: past the desks) and booth_ahead people to be called to a
-- booth before them. Two limits, the slower one binds: the desks (their turn at a desk, then its
-- service) and the booths (everyone ahead served through the open booths).
local function predict(m, desk_ahead, booth_ahead, at_desk)
  local d, b = m.desk, m.booth
  local t_desk, var_desk = 0, 0
  if at_desk then
    t_desk, var_desk = d.mean / 2, (d.sd / 2) ^ 2
  elseif desk_ahead then
    local k = math.max(0, desk_ahead + 1 - math.max(0, d.open - m.busy_desk))
    t_desk = k * d.mean / d.open + d.mean
    var_desk = k * (d.sd / d.open) ^ 2 + d.sd ^ 2
  end
  local k_b = math.max(0, booth_ahead + 1 - math.max(0, b.open - m.busy_booth))
  local t_booth = k_b * b.mean / b.open
  local var_booth = k_b * (b.sd / b.open) ^ 2
  local ms, var = t_desk, var_desk
  if t_booth > t_desk then ms, var = t_booth, var_booth end
  -- An 80% range: the spread of the service times still to come, and a tenth for what no queue shows.
  local half = math.max(MIN_MS, math.sqrt(1.64 * var + (0.1 * ms) ^ 2))
  return {min = math.floor(ms / MIN_MS * 10 + 0.5) / 10,
          lo = math.max(0, math.floor((ms - half) / MIN_MS)), hi = math.ceil((ms + half) / MIN_MS)}
end

-- For someone checking in now (category A, P or W): behind everyone waiting (a priority
-- ticket: behind the priority lanes only). m: the moment (read now when absent).
local function predict_new(category, m)
  m = m or moment()
  local p = category == 'P'
  local desk_ahead = qlen(m, 'outside', p) + qlen(m, 'hall', p) + m.to_room + qlen(m, 'room', p)
  return predict(m, desk_ahead, desk_ahead + m.busy_desk + qlen(m, 'vacc', p))
end

-- For a ticket on its way: from its place in its queue (ahead: people_ahead(t), unless the
-- caller found it in a pass over the queue) and the queues after it, at moment m. A ticket called
-- to the room counts those called before it as still ahead, as it did while it waited in the hall,
-- so its wait does not jump at the call.
local function predict_ticket(t, ahead, m)
  m = m or moment()
  if ahead == nil then ahead = people_ahead(t) end
  local p = t.category == 'P'
  local desk_ahead
  if t.stage == 'outside' then
    desk_ahead = ahead + qlen(m, 'hall', p) + m.to_room + qlen(m, 'room', p)
  elseif t.stage == 'hall' and t.state == 'called' then
    desk_ahead = math.max(0, m.to_room - 1) + qlen(m, 'room', p)
  elseif t.stage == 'hall' then
    desk_ahead = ahead + m.to_room + qlen(m, 'room', p)
  elseif t.stage == 'room' then
    desk_ahead = ahead
  elseif t.stage == 'desk' then
    return predict(m, nil, m.busy_desk - 1 + qlen(m, 'vacc', p), true)
  elseif t.stage == 'vaccination' and t.state == 'waiting' then
    return predict(m, nil, ahead)
  else
    return {min = 0, lo = 0, hi = 0}
  end
  return predict(m, desk_ahead, desk_ahead + m.busy_desk + qlen(m, 'vacc', p))
end

-- Where the ticket's holder should be or go now: a key of common.where in the dictionaries.
local function where_to(t)
  if t.state == 'no_show' then return 'noShow' end
  if is_away(t) then return 'away' end
  local called = t.state == 'called'
  local s = t.stage
  if s == 'outside' then return called and 'hall' or 'outside' end
  if s == 'hall' then return called and 'toRoom' or 'hall' end
  if s == 'desk' then return called and 'toDesk' or 'desk' end
  if s == 'booth' then return called and 'toBooth' or 'booth' end
  if s == 'observation' then return 'observation' end
  return s -- room, vaccination, released
end

-- The public view of a ticket at one moment m (moment()): its stage, how many are ahead (ahead:
-- its place, when the caller found it in a pass over the queue), its predicted wait, where to go,
-- whether its person waits away or may, and the call it answers (while it is called, or called back
-- to the hall) with its station. No name, no ID number, no phone. The kiosk's check-in reply, the
-- lookup, the phone's track API and its live push (lua/follow.lua) all show this, so they agree; a
-- ticket waiting in a queue, not away nor called back, needs nothing but its number, day and stage.
local function public_view(t, m, ahead)
  if ahead == nil then ahead = people_ahead(t) end
  local waiting = t.state == 'waiting'
  local answers = (t.state == 'called' or (waiting and t.lastCallBack == '1')) and t.lastCallId
  return {number = t.number, day = t.day, category = t.category, stage = t.stage, state = t.state,
          station = (not waiting and t.station) or '', peopleAhead = ahead, wait = predict_ticket(t, ahead, m),
          where = where_to(t), away = is_away(t), awayAllowed = may_go_away(t),
          lastCallId = answers and t.lastCallId or '', lastCallKind = answers and t.lastCallKind or '',
          lastCallTo = answers and t.lastCallTo or '', lastCallAt = answers and tonumber(t.lastCallAt) or 0,
          lastCallBack = answers and t.lastCallBack == '1' or false}
end

-- A ticket as the API shows it (check-in reply, lookup): its record, with the figures of its public
-- view at one moment (people ahead, wait, where to go).
local function public_ticket(t, m)
  local pv = public_view(t, m)
  local v = view(t, pv.peopleAhead)
  v.wait, v.where = pv.wait, pv.where
  return v
end

-- The reply of a script acting on one ticket for its holder (away.lua, back.lua): the ticket as it
-- is now, with its public view's figures, and the site's counts.
local function ticket_reply(day, num)
  return reply({ok = true, ticket = public_ticket(load_ticket_on(day, num)), counts = counts()})
end

-- A ticket's booth call (call_next.lua): how its wait compares with its prediction at check-in.
local function waits_scored(t)
  if not t.predLo or t.scored then return end
  redis.call('HSET', tkey(t), 'scored', '1')
  local key = P .. 'waits:scored'
  redis.call('LPUSH', key, NOW .. '|' .. (NOW - tonumber(t.createdAt)) .. '|' .. (tonumber(t.predLo) * MIN_MS)
             .. '|' .. (tonumber(t.predHi) * MIN_MS))
  redis.call('LTRIM', key, 0, SCORED_KEEP - 1)
  redis.call('EXPIRE', key, KEEP)
end

-- Waiting away: the time until a ticket is called to the vaccine room, and the call back of those
-- waiting away whose room call is flow.returnLeadMin or less away. The room calls the first ticket
-- of the hall's pick order when a room seat is free, and a seat frees each time a desk is done with
-- a patient: about every desk time / open desks. So the ticket that is rank r (0: the next) of the
-- room's coming calls is called once max(0, r + 1 - free room seats) seats have freed:
--   ms = max(0, r + 1 - free) x desk time / open desks
-- Ranks follow the hall's pick order (priority lane first, at most priorityInARow in a row); a
-- ticket outside comes after everyone in the hall's queue, in the outside queue's pick order.

-- How many of the room's coming calls are returnLeadMin or less away.
local function room_calls_within_lead()
  local d = rate_of('desk')
  local lead = setting('returnLeadMin')
  if lead <= 0 then lead = 10 end
  return math.max(0, math.floor(lead * MIN_MS * d.open / d.mean) + room_free())
end

-- The sweep's part (tick.lua): calls back every ticket waiting away whose room call is near.
-- Returns how many it called back. Costs nothing while nobody waits away.
local function call_back_due()
  if count('away') <= 0 then return 0 end
  local within = room_calls_within_lead()
  local due = pick_order('hall', within)
  local rest = within - queue_length('hall')
  if rest > 0 then
    for _, num in ipairs(pick_order('outside', rest)) do due[#due + 1] = num end
  end
  local n = 0
  for _, num in ipairs(due) do
    local t = load_ticket(num)
    if t and is_away(t) then
      call_back(t)
      n = n + 1
    end
  end
  return n
end
