-- reinstate.lua: a no-show came back; the ticket returns to the head of the queue it missed.
-- ARGV[4] number
local t = load_ticket(ARGV[4])
if not t then return fail('UNKNOWN_TICKET', {field = 'number'}) end
if t.state ~= 'no_show' then return fail('INVALID_TRANSITION', {state = t.state}) end
local back = {hall = {'hall', 'hall'}, desk = {'room', 'room'}, booth = {'vaccination', 'vacc'}}
local b = back[t.stage]
transition(t, b[1], 'waiting', 'reinstate')
enqueue_head(b[2], t)
fill()
return reply({ok = true, ticket = view(t), counts = counts()})
