-- restore.lua: write the site's configured settings and its data marker (cfg.epoch). At start it
-- publishes the config (and carries on a day written by the release that kept the people of a
-- site per day, see below); after a Redis that lost its data it also lifts the day's numbering
-- above every number this server knows was issued, so no number is issued twice.
-- After a Redis restart ('restart') it lifts the numbering the same way. The Redis it runs on is
-- checked (restart_check, lib/site.lua) like the check-in's and the sweep's.
-- A.reason 'start' | 'reset' | 'restart', A.settings [{name, value}], A.highest [{day, category, seq}]: the
-- highest sequence number this server knows was issued.
-- Returns {ok, fresh, redis, restarted}: fresh when the marker was missing (a new or an emptied Redis).
-- include: site, stats
local reason = A.reason

-- Earlier releases kept every hall display ever heard in one unbounded hash (now displays:acks and
-- displays:last, bounded): dropped once a server starts.
if reason == 'start' then redis.call('UNLINK', P .. 'displays') end

-- The previous release kept the people of a site in today's keys: stage counts and priority
-- streaks in P..'day:'..D, queues in P..'q:'..D..':'..q..':'..lane, and no number index. Today's
-- day in progress moves into the site-wide keys once, before anything else runs on them.
local LIVE_BUCKETS = {'new', 'outside', 'hall', 'to_room', 'room', 'desk', 'vaccination', 'booth', 'observation'}
if reason == 'start' and redis.call('EXISTS', NOWK) == 0 and redis.call('EXISTS', DAYK) == 1 then
  local moved = 0
  for _, b in ipairs(LIVE_BUCKETS) do
    local v = redis.call('HGET', DAYK, 'n:' .. b)
    if v then
      redis.call('HSET', NOWK, 'n:' .. b, v)
      redis.call('HDEL', DAYK, 'n:' .. b)
    end
  end
  for _, q in ipairs({'outside', 'hall', 'room', 'vacc'}) do
    local v = redis.call('HGET', DAYK, 'streak:' .. q)
    if v then
      redis.call('HSET', NOWK, 'streak:' .. q, v)
      redis.call('HDEL', DAYK, 'streak:' .. q)
    end
    for _, lane in ipairs({'p', 'r'}) do
      local old = P .. 'q:' .. DAY .. ':' .. q .. ':' .. lane
      if redis.call('EXISTS', old) == 1 and redis.call('EXISTS', qkey(q, lane)) == 0 then
        redis.call('RENAME', old, qkey(q, lane))
        redis.call('PERSIST', qkey(q, lane))
      end
    end
  end
  for _, category in ipairs({'A', 'P', 'W', 'S'}) do
    for seq = 1, tonumber(redis.call('HGET', DAYK, 'seq:' .. category) or '0') do
      local num = category .. string.format('%03d', seq)
      if redis.call('EXISTS', tkey_on(DAY, num)) == 1 then
        redis.call('HSET', LIVE, num, DAY)
        moved = moved + 1
      end
    end
  end
  redis.call('HSET', NOWK, 'migratedAt', tostring(NOW))
  event('migrated', {'tickets', moved})
end
-- the config's values (cfg.*) as they are now: one the config no longer has (a product taken out) goes
local configured = {['cfg.epoch'] = true}
for _, s in ipairs(A.settings) do configured[s.name] = true end
for _, name in ipairs(redis.call('HKEYS', P .. 'settings')) do
  if string.sub(name, 1, 4) == 'cfg.' and not configured[name] then redis.call('HDEL', P .. 'settings', name) end
end
for _, s in ipairs(A.settings) do redis.call('HSET', P .. 'settings', s.name, s.value) end
local fresh = redis.call('HSETNX', P .. 'settings', 'cfg.epoch', tostring(NOW)) == 1
local floors = {}
for _, h in ipairs(A.highest) do
  if h.day == DAY then floors[h.category] = h.seq end
end
local run_id, restarted = restart_check(floors)
for _, h in ipairs(A.highest) do
  local key, field = daykey(h.day), 'seq:' .. h.category
  if tonumber(redis.call('HGET', key, field) or '0') < h.seq then
    redis.call('HSET', key, field, h.seq)
    redis.call('EXPIRE', key, KEEP)
  end
end
if fresh and reason == 'reset' then event('store_reset', {}) end
return reply({ok = true, fresh = fresh, redis = run_id, restarted = restarted})
