-- door_scan.lua: the door checks a number called to the vaccine room and lets it in.
-- A.number   the ticket's number
-- Returns {ok, ticket, counts} or {err = UNKNOWN_TICKET | NOT_CALLED (stage, state)}.
-- include: site, stats
if not site_ready() then return fail('STORE_RESET') end
local t = load_ticket(A.number)
if not t then return fail('UNKNOWN_TICKET', {field = 'number'}) end
if not (t.stage == 'hall' and t.state == 'called') then
  return fail('NOT_CALLED', {stage = t.stage, state = t.state})
end
transition(t, 'room', 'waiting', 'door_scan')
enqueue('room', t)
redis.call('ZREM', TIMERS, 'arrive|' .. t.day .. '|' .. t.number)
fill()
return reply({ok = true, ticket = view(t), counts = counts()})
