-- away.lua: the person goes to wait away from the hall (from their phone). The ticket keeps its
-- place in its queue (outside or the hall's) but gives up its hall seat at once, and the outside
-- queue moves in; the sweep calls it back when its room call nears (tick.lua). Allowed while it
-- waits outside or in the hall, not called back; asked again while away, the same answer and
-- nothing changed (a retry after a lost reply).
-- A.number   the ticket's number
-- A.day      the day of the ticket its track token was made for (the ticket with that number now must be it)
-- Returns {ok, ticket, counts} or {err = UNKNOWN_TICKET | INVALID_TRANSITION (stage, state)}.
-- include: site, waits, stats
if not site_ready() then return fail('STORE_RESET') end
local t = load_ticket(A.number)
if not t or t.day ~= A.day then return fail('UNKNOWN_TICKET', {field = 'number'}) end
if not is_away(t) then
  if not may_go_away(t) then return fail('INVALID_TRANSITION', {stage = t.stage, state = t.state}) end
  transition(t, t.stage, 'waiting', 'away', nil, true)
  fill()
end
return ticket_reply(t.day, t.number)
