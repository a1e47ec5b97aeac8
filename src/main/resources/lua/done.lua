-- done.lua: the station finished its patient. From a desk the ticket joins the one vaccination
-- queue shared by every booth; from a booth it starts the observation timer, and the shot is
-- recorded from the booth's open vial in the same round trip (lib/stock.lua): refused, with nothing
-- changed, without an open vial (NO_OPEN_VIAL, where the site's stock is required), past the vial's
-- time (VIAL_EXPIRED: the sweep counts its doses wasted) or its lot's expiry (LOT_EXPIRED), or with a
-- product not allowed for the ticket's dose (WRONG_PRODUCT). A booked patient's shot lets go of the dose its
-- booking held (lib/doses.lua: the stock has one dose fewer now, so the day's bookable doses are unchanged).
-- A.station  station id
-- include: site, waits, stats, stock, doses
if not site_ready() then return fail('STORE_RESET') end
local s = load_station(A.station)
local t = held(s)
if not t then return fail('INVALID_TRANSITION', {state = s.state}) end
local kind = kind_of(s.id)
local shot
if kind == 'booth' then
  local refused
  shot, refused = shot_from_vial(s, t)
  if refused then return refused end
end
waits_done(kind, t)
if kind == 'desk' then
  transition(t, 'vaccination', 'waiting', 'done', {'station', s.id})
  enqueue('vacc', t)
else
  transition(t, 'observation', 'waiting', 'done', {'station', s.id})
  local due = NOW + setting(t.risk == 'high' and 'observationHighSec' or 'observationSec') * 1000
  redis.call('HSET', tkey(t), 'observeUntil', due, 'observeFrom', NOW)
  redis.call('ZADD', TIMERS, due, 'observe|' .. t.day .. '|' .. t.number)
end
redis.call('HDEL', tkey(t), 'station')
redis.call('ZREM', TIMERS, 'lease|' .. s.id)
set_station(s, 'idle')
if kind == 'desk' then fill() end -- the patient's room seat is free
local given = shot and record_shot(s, t, shot) or nil
-- the immunization registry is sent the person's name and ID number (immunizationRegistry.patient: document): the
-- ticket keeps them until it has the shot (erase.lua waits; shot_delivered.lua clears the hold)
if given and setting('recordHold') == 1 then redis.call('HSET', tkey(t), 'hold', given.shotId) end
if kind == 'booth' then dose_let_go(t.appointment) end
return reply({ok = true, ticket = view(t), station = station_view(s), counts = counts(), shot = given})
