-- pause.lua: an idle station stops taking tickets (a break).
-- A.station  station id
-- include: site, stats
if not site_ready() then return fail('STORE_RESET') end
local s = load_station(A.station)
if s.state ~= 'idle' or held(s) then return fail('INVALID_TRANSITION', {state = s.state}) end
set_station(s, 'paused')
event('station', {'station', s.id, 'from', 'idle', 'to', 'paused'})
return reply({ok = true, station = station_view(s), counts = counts()})
