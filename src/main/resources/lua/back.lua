-- back.lua: the person waiting away is back before being called back. A ticket in the hall's queue
-- takes a hall seat again if one is free (else HALL_FULL, and it stays away until it is called
-- back); one still in the outside queue waits outside like anyone there. A ticket not away: the
-- same answer and nothing changed (a retry after a lost reply, or called back meanwhile).
-- A.number   the ticket's number
-- A.day      the day of the ticket its track token was made for (the ticket with that number now must be it)
-- Returns {ok, ticket, counts} or {err = UNKNOWN_TICKET | HALL_FULL (capacity)}.
-- include: site, waits, stats
if not site_ready() then return fail('STORE_RESET') end
local t = load_ticket(A.number)
if not t or t.day ~= A.day then return fail('UNKNOWN_TICKET', {field = 'number'}) end
if is_away(t) then
  if t.stage == 'hall' and count('hall') >= setting('hallCapacity') then
    return fail('HALL_FULL', {capacity = setting('hallCapacity')})
  end
  transition(t, t.stage, 'waiting', 'back')
  fill()
end
return ticket_reply(t.day, t.number)
