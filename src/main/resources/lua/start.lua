-- start.lua: the called patient is at the station; serving begins (repeats of the call stop).
-- A.station  station id
-- include: site, stats
if not site_ready() then return fail('STORE_RESET') end
local s = load_station(A.station)
local t = held(s)
if not t or t.state ~= 'called' then return fail('INVALID_TRANSITION', {state = s.state}) end
transition(t, t.stage, 'serving', 'start', {'station', s.id})
set_station(s, 'serving', t)
lease(s.id)
return reply({ok = true, ticket = view(t), station = station_view(s), counts = counts()})
