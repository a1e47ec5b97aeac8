-- ticket.lua (read only): one ticket's public view ("where is my number?").
-- A.number   the ticket's number
-- include: site, waits, stats
if not site_ready() then return fail('STORE_RESET') end
local t = load_ticket(A.number)
if not t then return fail('UNKNOWN_TICKET', {field = 'number'}) end
local v = view(t)
v.wait = predict_ticket(t)
return reply({ok = true, ticket = v, counts = counts()})
