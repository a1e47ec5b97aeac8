-- observe_reaction.lua: staff record a reaction of a person in observation. A severe one holds the
-- person: the observation timer is taken off until staff clear it (observe_clear.lua), and the
-- dashboard raises an alert while P..'observe:held' has them.
-- A = {number, symptoms (bounded text), severity 'mild'|'moderate'|'severe', at (ms it began)}
-- include: site, observe, stats
if not site_ready() then return fail('STORE_RESET') end
local t, err = in_observation(A.number)
if not t then return err end
local reactions = t.reactions and cjson.decode(t.reactions) or {}
if #reactions >= REACTIONS_MAX then return fail('INVALID_INPUT', {field = 'symptoms', max = REACTIONS_MAX}) end
reactions[#reactions + 1] = {symptoms = A.symptoms, severity = A.severity, at = A.at, by = ACTOR, recordedAt = NOW}
t.reactions = cjson.encode(reactions)
redis.call('HSET', tkey(t), 'reactions', t.reactions)
if A.severity == 'severe' and not t.heldSince then
  t.heldSince = tostring(NOW)
  redis.call('HSET', tkey(t), 'heldSince', t.heldSince)
  redis.call('ZADD', HELD, NOW, held_member(t))
  redis.call('ZREM', TIMERS, observe_member(t))
end
event('reaction', {'number', t.number, 'severity', A.severity, 'symptoms', A.symptoms, 'onset', A.at})
return reply({ok = true, person = person_view(t)})
