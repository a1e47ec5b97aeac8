-- call_next.lua: a desk or booth takes the next ticket of its queue (atomic: two stations never
-- get the same ticket). A door's "next" calls the next batch from the hall into the room.
-- A.station  station id (desk-1, booth-2, door-1)
-- Returns {ok, ticket?, station, counts} (no ticket: the queue is empty) or
-- {err = STATION_BUSY (ticket) | INVALID_TRANSITION (state)}.
-- include: site, waits, stats
if not site_ready() then return fail('STORE_RESET') end
local s = load_station(A.station)
local kind = kind_of(s.id)
if s.state == 'paused' then return fail('INVALID_TRANSITION', {state = s.state}) end

if kind == 'door' then
  local called = fill()
  local t = called[1] and load_ticket(called[1])
  return reply({ok = true, ticket = t and view(t) or nil, called = called,
                station = station_view(s), counts = counts()})
end

local current = held(s)
if current then return fail('STATION_BUSY', {ticket = current.number}) end

local num = pick(KIND_QUEUE[kind])
if not num then
  return reply({ok = true, station = station_view(s), counts = counts()})
end
local t = load_ticket(num)
if kind == 'booth' then waits_scored(t) end
transition(t, kind, 'called', 'station_call', {'station', s.id})
redis.call('HSET', tkey(t), 'station', s.id)
t.station = s.id
call(t, kind, s.id)
set_station(s, 'called', t)
lease(s.id)
return reply({ok = true, ticket = view(t), station = station_view(s), counts = counts()})
