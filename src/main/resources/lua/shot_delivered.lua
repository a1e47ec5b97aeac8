-- shot_delivered.lua: the immunization registry answered 2xx to a shot's delivery: the shot's record notes when and
-- to which registry. A shot without deliveredAt is held for the registry: what its delivery needs (the ticket's and
-- the appointment's name and ID number, in patient: document mode) is kept until it is noted here.
-- A.shot  the shot's id (<site>-<day>-<number>-d<dose>)
-- A.to    the registry's base URL
-- Returns {ok, first} (first: false when it was noted before, a redelivery) or {ok, gone} (the record is no longer kept).
-- include: (core only)
local key = P .. 'shot:' .. A.shot
if redis.call('EXISTS', key) == 0 then return reply({ok = true, gone = true}) end
local first = redis.call('HSETNX', key, 'deliveredAt', tostring(NOW)) == 1
if first then redis.call('HSET', key, 'deliveredTo', A.to) end
return reply({ok = true, first = first})
