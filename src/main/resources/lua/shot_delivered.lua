-- shot_delivered.lua: the immunization registry answered 2xx to a shot's delivery: the shot's record notes when and
-- to which registry, and the ticket's 'hold' (set when the shot was recorded, while the registry still needed the
-- person's name and ID number) is cleared, so erase.lua erases them at its next look (docs/architecture.md, "People's
-- data").
-- A.shot  the shot's id (<site>-<ticket's day>-<number>-d<dose>)
-- A.to    the registry's base URL
-- Returns {ok, first} (first: false when it was noted before, a redelivery) or {ok, gone} (the record is no longer kept).
-- include: (core only)
local key = P .. 'shot:' .. A.shot
local day, number = string.match(A.shot, '(%d%d%d%d%-%d%d%-%d%d)%-([^%-]+)%-d%d+$')
if day then redis.call('HDEL', P .. 't:' .. day .. ':' .. number, 'hold') end
if redis.call('EXISTS', key) == 0 then return reply({ok = true, gone = true}) end
local first = redis.call('HSETNX', key, 'deliveredAt', tostring(NOW)) == 1
if first then redis.call('HSET', key, 'deliveredTo', A.to) end
return reply({ok = true, first = first})
