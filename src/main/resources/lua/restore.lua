-- restore.lua: write the site's configured settings and its data marker (cfg.epoch). At start it
-- publishes the config; after a Redis that lost its data it also lifts the day's numbering above
-- every number this server knows was issued, so no number is issued twice.
-- ARGV[4] reason 'start' | 'reset', ARGV[5] n, ARGV[6 .. 5+2n] setting name, value pairs,
-- then day, category, highest sequence number known triples.
-- Returns {ok, fresh}: fresh when the marker was missing (a new or an emptied Redis).
local reason, n = ARGV[4], tonumber(ARGV[5])
local i = 6
for _ = 1, n do
  redis.call('HSET', P .. 'settings', ARGV[i], ARGV[i + 1])
  i = i + 2
end
local fresh = redis.call('HSETNX', P .. 'settings', 'cfg.epoch', tostring(NOW)) == 1
while i + 2 <= #ARGV do
  local key, field, known = daykey(ARGV[i]), 'seq:' .. ARGV[i + 1], tonumber(ARGV[i + 2])
  if tonumber(redis.call('HGET', key, field) or '0') < known then
    redis.call('HSET', key, field, known)
    redis.call('EXPIRE', key, KEEP)
  end
  i = i + 3
end
if fresh and reason == 'reset' then event('store_reset', {}) end
return reply({ok = true, fresh = fresh})
