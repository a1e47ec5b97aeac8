-- return.lua: the station gives its ticket back to the head of the queue it came from.
-- A.station  station id
-- include: site, stats
if not site_ready() then return fail('STORE_RESET') end
local s = load_station(A.station)
local t = held(s)
if not t then return fail('INVALID_TRANSITION', {state = s.state}) end
give_back(s, t, 'return')
return reply({ok = true, ticket = view(t), station = station_view(s), counts = counts()})
