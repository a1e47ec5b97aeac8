-- resume.lua: a paused station takes tickets again.
-- A.station  station id
-- include: site, stats
if not site_ready() then return fail('STORE_RESET') end
local s = load_station(A.station)
if s.state ~= 'paused' then return fail('INVALID_TRANSITION', {state = s.state}) end
set_station(s, 'idle')
event('station', {'station', s.id, 'from', 'paused', 'to', 'idle'})
return reply({ok = true, station = station_view(s), counts = counts()})
