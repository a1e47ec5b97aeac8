-- day_stats.lua (read only): the day's figures kept by lib/stats.lua and the head of every queue, for
-- the dashboard: a fixed number of reads, whatever the size of the day.
-- A: nothing (ScriptArgs.None)
-- Returns {ok, stats = {field = value}, waits = {desk = {field = value}, booth = {...}},
--          heads = {outside|hall|room|vaccination = ms since the head of its line began waiting}}
--   (a queue's head: the longer waiting of its two lanes' first tickets; since check-in, and in the
--   vaccination queue since the desk was done with it (check-in when a desk transferred it there);
--   absent when the queue is empty).
-- include: site
local D = DAY
local function flat(key)
  local t = hgetall(key)
  t['_'] = true -- never an empty table: cjson would write []
  return t
end
local heads = {}
for name, q in pairs(QUEUE_OF) do
  local oldest
  for _, lane in ipairs({'p', 'r'}) do
    local num = redis.call('LINDEX', qkey(q, lane), 0)
    if num then
      local day = redis.call('HGET', LIVE, num) or DAY
      local f = redis.call('HMGET', tkey_on(day, num), 'createdAt', 'deskDoneAt')
      local since = tonumber((name == 'vaccination' and f[2]) or f[1] or '')
      if since and (not oldest or since < oldest) then oldest = since end
    end
  end
  if oldest then heads[name] = math.max(0, NOW - oldest) end
end
heads['_'] = true
return reply({ok = true, stats = flat(P .. 'stats:' .. D),
              waits = {desk = flat(P .. 'hist:' .. D .. ':desk'), booth = flat(P .. 'hist:' .. D .. ':booth')},
              heads = heads})
