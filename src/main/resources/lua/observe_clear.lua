-- observe_clear.lua: staff clear a severe reaction: the person's observation timer runs again
-- (due at once when their time is already over: the next sweep releases them).
-- A = {number}
-- include: site, observe, stats
if not site_ready() then return fail('STORE_RESET') end
local t, err = in_observation(A.number)
if not t then return err end
if not t.heldSince then return fail('INVALID_TRANSITION', {number = t.number, held = false}) end
redis.call('HDEL', tkey(t), 'heldSince')
t.heldSince = nil
redis.call('ZREM', HELD, held_member(t))
redis.call('ZADD', TIMERS, math.max(tonumber(t.observeUntil or '0'), NOW), observe_member(t))
event('reaction_clear', {'number', t.number})
return reply({ok = true, person = person_view(t)})
