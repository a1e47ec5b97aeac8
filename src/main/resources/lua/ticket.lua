-- ticket.lua (read only): one ticket's public view ("where is my number?", the phone's track API).
-- A.number   the ticket's number
-- include: site, waits, stats
if not site_ready() then return fail('STORE_RESET') end
local t = load_ticket(A.number)
if not t then return fail('UNKNOWN_TICKET', {field = 'number'}) end
return reply({ok = true, ticket = public_ticket(t), counts = counts()})
