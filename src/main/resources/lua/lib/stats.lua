-- lib/stats.lua: the dashboard's figures of the day, kept as the day happens (read by day_stats.lua),
-- so a dashboard costs the same at 50 or 10,000 people. Included after lib/site.lua by every script
-- that moves a ticket or a station or records an event; site.lua calls the three hooks below.
--   P..'stats:'..D          hash: first (ms of the day's first event), e:<type> (the day's events by type),
--                           <what>@<q>: checkins (walkins: those without an appointment), vaccinated,
--                           released, no_shows in quarter hour q (epoch ms / 900000; the page and the
--                           planner sum them into local hours), <station>:busy and
--                           <station>:paused (ms of the day's closed intervals), <station>:served,
--                           <station>:no_shows
--   P..'hist:'..D..':'..w   hash: w = desk (check-in to the first desk call) | booth (desk done to the
--                           first booth call): <wait in tenths of a minute, rounded> -> waits, n, ms (sum)
-- A wait counts on the day it ends; the ticket remembers deskCalledAt, deskDoneAt, boothCalledAt.

local STATS = P .. 'stats:' .. DAY
local QUARTER = 900000
local BUSY_STATE = {called = true, serving = true}

local function stats_field(extra, name)
  for i = 1, #(extra or {}), 2 do if extra[i] == name then return extra[i + 1] end end
  return nil
end

local function stats_wait(w, ms)
  local key = P .. 'hist:' .. DAY .. ':' .. w
  ms = math.max(0, ms)
  redis.call('HINCRBY', key, tostring(math.floor(ms / 6000 + 0.5)), 1)
  redis.call('HINCRBY', key, 'n', 1)
  redis.call('HINCRBY', key, 'ms', ms)
  redis.call('EXPIRE', key, KEEP)
end

-- Every event of the day: counted by type (the first one opens the day's window).
stats_event = function(kind)
  redis.call('HSETNX', STATS, 'first', NOW)
  redis.call('HINCRBY', STATS, 'e:' .. kind, 1)
  redis.call('EXPIRE', STATS, KEEP)
end

-- A ticket about to move from its stage and state to stage/state by an event of this kind.
stats_move = function(t, stage, state, kind, extra)
  local q = '@' .. math.floor(NOW / QUARTER)
  local station = stats_field(extra, 'station')
  if kind == 'checkin' then
    redis.call('HINCRBY', STATS, 'checkins' .. q, 1)
    if t.category == 'W' then redis.call('HINCRBY', STATS, 'walkins' .. q, 1) end
  elseif kind == 'release' then
    redis.call('HINCRBY', STATS, 'released' .. q, 1)
  elseif state == 'no_show' then
    redis.call('HINCRBY', STATS, 'no_shows' .. q, 1)
    if station then redis.call('HINCRBY', STATS, station .. ':no_shows', 1) end
  elseif kind == 'done' and station then
    redis.call('HINCRBY', STATS, station .. ':served', 1)
    if stage == 'observation' then
      redis.call('HINCRBY', STATS, 'vaccinated' .. q, 1)
    elseif t.stage == 'desk' and not t.deskDoneAt then
      t.deskDoneAt = tostring(NOW)
      redis.call('HSET', tkey(t), 'deskDoneAt', t.deskDoneAt)
    end
  elseif kind == 'station_call' and station then
    if kind_of(station) == 'desk' and not t.deskCalledAt then
      t.deskCalledAt = tostring(NOW)
      redis.call('HSET', tkey(t), 'deskCalledAt', t.deskCalledAt)
      stats_wait('desk', NOW - tonumber(t.createdAt or NOW))
    elseif kind_of(station) == 'booth' and not t.boothCalledAt then
      t.boothCalledAt = tostring(NOW)
      redis.call('HSET', tkey(t), 'boothCalledAt', t.boothCalledAt)
      if t.deskDoneAt then stats_wait('booth', NOW - tonumber(t.deskDoneAt)) end
    end
  end
  redis.call('EXPIRE', STATS, KEEP)
end

-- A station about to change its state: the interval it spent in its old state (from its since, or
-- from the day's first event when it began earlier) counts as busy (called, serving) or paused.
stats_station = function(s)
  local since = tonumber(s.since or '')
  local what = BUSY_STATE[s.state] and ':busy' or (s.state == 'paused' and ':paused') or nil
  if not what or not since then return end
  local from = math.max(since, tonumber(redis.call('HGET', STATS, 'first') or NOW))
  if NOW > from then
    redis.call('HINCRBY', STATS, s.id .. what, NOW - from)
    redis.call('EXPIRE', STATS, KEEP)
  end
end
