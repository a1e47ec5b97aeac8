-- site_mode.lua: a manager stops or allows walk-ins, or closes the site early for today (and
-- reopens it); without arguments it only reads. The check-in script honours both.
-- A.walkInsStoppedUntil ms (0: walk-ins allowed), A.closedToday true|false; each optional (absent: unchanged)
-- Settings written: walkInsStoppedUntil (ms), closedOn (the day closed early, '' when open)
-- Returns {ok, walkInsStoppedUntil, closedToday}.
-- include: site, stats
if not site_ready() then return fail('STORE_RESET') end
local key = P .. 'settings'
local changes = {}
if A.walkInsStoppedUntil ~= nil then
  local until_ms = math.max(0, math.floor(tonumber(A.walkInsStoppedUntil)))
  redis.call('HSET', key, 'walkInsStoppedUntil', until_ms)
  changes[#changes + 1] = 'walkInsStoppedUntil'
  changes[#changes + 1] = until_ms
end
if A.closedToday ~= nil then
  local closed_on = A.closedToday and DAY or ''
  redis.call('HSET', key, 'closedOn', closed_on)
  changes[#changes + 1] = 'closedOn'
  changes[#changes + 1] = closed_on
end
if #changes > 0 then event('settings', changes) end
local stopped = tonumber(redis.call('HGET', key, 'walkInsStoppedUntil') or '0') or 0
if stopped <= NOW then stopped = 0 end
return reply({ok = true, walkInsStoppedUntil = stopped, closedToday = redis.call('HGET', key, 'closedOn') == DAY})
