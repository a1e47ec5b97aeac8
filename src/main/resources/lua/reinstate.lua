-- reinstate.lua: a no-show came back. The ticket goes to the head of the queue it missed while
-- that buffer has a seat for it, else to the head of the one before it (room -> hall -> outside):
-- a reinstated ticket never overfills a buffer.
-- A.number   the ticket's number
-- include: site, stats
if not site_ready() then return fail('STORE_RESET') end
local t = load_ticket(A.number)
if not t then return fail('UNKNOWN_TICKET', {field = 'number'}) end
if t.state ~= 'no_show' then return fail('INVALID_TRANSITION', {state = t.state}) end
if t.stage == 'booth' then
  transition(t, 'vaccination', 'waiting', 'reinstate')
  enqueue_head('vacc', t)
elseif t.stage == 'desk' and room_free() > 0 then
  transition(t, 'room', 'waiting', 'reinstate')
  enqueue_head('room', t)
elseif count('hall') < setting('hallCapacity') then
  transition(t, 'hall', 'waiting', 'reinstate')
  enqueue_head('hall', t)
else
  transition(t, 'outside', 'waiting', 'reinstate')
  enqueue_head('outside', t)
end
fill()
return reply({ok = true, ticket = view(load_ticket_on(t.day, t.number)), counts = counts()})
