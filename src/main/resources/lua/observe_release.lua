-- observe_release.lua: staff release a person before their observation is over (called to the
-- exit as the timer would); refused while a severe reaction holds them.
-- A = {number}
-- include: site, observe, stats
if not site_ready() then return fail('STORE_RESET') end
local t, err = in_observation(A.number)
if not t then return err end
if t.heldSince then return fail('REACTION_HELD', {number = t.number, since = tonumber(t.heldSince)}) end
redis.call('ZREM', TIMERS, observe_member(t))
transition(t, 'released', 'done', 'release', {'early', 1})
call(t, 'exit', 'exit')
return reply({ok = true, ticket = view(t), counts = counts()})
