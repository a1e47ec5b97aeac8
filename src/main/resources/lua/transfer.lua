-- transfer.lua: the station hands its ticket to another station of the same kind (which calls it)
-- or to the head of a queue: its own ('room' from a desk, 'vaccination' from a booth) or the next
-- one ('vaccination' from a desk). A ticket never moves back a stage this way: a booth sending
-- someone back to the room would take a room seat behind the room's capacity.
-- A.station  station id; A.target  station id or queue name
-- include: site, stats
if not site_ready() then return fail('STORE_RESET') end
local s = load_station(A.station)
local t = held(s)
if not t then return fail('INVALID_TRANSITION', {state = s.state}) end
local target = A.target
local kind = kind_of(s.id)
if target == 'room' or target == 'vaccination' then
  if target == 'room' and kind ~= 'desk' then return fail('INVALID_TRANSITION', {target = target}) end
  transition(t, target, 'waiting', 'transfer', {'station', s.id, 'target', target})
  redis.call('HDEL', tkey(t), 'station')
  enqueue_head(target == 'room' and 'room' or 'vacc', t)
else
  if target == s.id or kind_of(target) ~= kind then return fail('INVALID_TRANSITION', {target = target}) end
  local other = load_station(target)
  if other.state == 'paused' or held(other) then return fail('STATION_BUSY', {station = target}) end
  transition(t, kind, 'called', 'transfer', {'station', s.id, 'target', target})
  redis.call('HSET', tkey(t), 'station', target)
  t.station = target
  call(t, kind, target)
  set_station(other, 'called', t)
  lease(target)
end
redis.call('ZREM', TIMERS, 'lease|' .. s.id)
set_station(s, 'idle')
fill()
return reply({ok = true, ticket = view(t), station = station_view(s), counts = counts()})
