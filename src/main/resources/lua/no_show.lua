-- no_show.lua: the called patient never came to the station; staff may reinstate the ticket later. A booked patient's
-- dose is let go (lib/doses.lua: another booking may have it; a reinstated patient's shot is counted from the stock).
-- A.station  station id
-- include: site, stats, doses
if not site_ready() then return fail('STORE_RESET') end
local s = load_station(A.station)
local t = held(s)
if not t or t.state ~= 'called' then return fail('INVALID_TRANSITION', {state = s.state}) end
transition(t, t.stage, 'no_show', 'no_show', {'station', s.id})
dose_let_go(t.appointment)
redis.call('HDEL', tkey(t), 'station')
redis.call('ZREM', TIMERS, 'lease|' .. s.id)
set_station(s, 'idle')
fill() -- a desk's no-show frees a room seat
return reply({ok = true, ticket = view(t), station = station_view(s), counts = counts()})
