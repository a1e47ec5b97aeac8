-- observe_extend.lua: staff extend a person's observation to the high-risk length
-- (flow.observationMinutes.high) from its start; never shortens it.
-- A = {number}
-- include: site, observe, stats
if not site_ready() then return fail('STORE_RESET') end
local t, err = in_observation(A.number)
if not t then return err end
local due = math.max(observe_from(t) + setting('observationHighSec') * 1000, tonumber(t.observeUntil or '0'))
redis.call('HSET', tkey(t), 'observeUntil', due, 'extended', 1)
t.observeUntil, t.extended = tostring(due), '1'
-- a person held by a severe reaction keeps no timer until staff clear it
if not t.heldSince then redis.call('ZADD', TIMERS, due, observe_member(t)) end
event('observe_extend', {'number', t.number, 'until', due})
return reply({ok = true, person = person_view(t)})
