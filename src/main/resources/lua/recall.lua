-- recall.lua: a station calls its ticket again (the patient did not come).
-- A.station  station id
-- include: site, stats
if not site_ready() then return fail('STORE_RESET') end
local s = load_station(A.station)
local t = held(s)
if not t or t.state ~= 'called' then return fail('INVALID_TRANSITION', {state = s.state}) end
call(t, kind_of(s.id), s.id)
lease(s.id)
return reply({ok = true, ticket = view(t), station = station_view(s), counts = counts()})
