-- given.lua: a shot given at a site recorded for the city: the person's doses, each with its day, product and site
-- (read by booking: a dose in order, the next one offered). Run after the site's done.lua recorded the shot (the city's
-- keys are in another hash slot); the same shot recorded again changes nothing.
-- KEYS[1] = 'vf:{city}'
-- A.person  the person's key (PersonKey);  A.dose, A.day, A.product, A.site  the shot;  A.keepSec  how long it is kept
-- Returns {ok}.
-- include: (core only)
local C = P
local key = C .. 'given:' .. A.person
redis.call('HSET', key, tostring(A.dose), A.day .. '|' .. A.product .. '|' .. A.site)
if redis.call('TTL', key) < A.keepSec then redis.call('EXPIRE', key, A.keepSec) end
return reply({ok = true})
