-- ticket.lua (read only): one ticket's public view ("where is my number?").
-- ARGV[4] number
-- include: site, waits
if not site_ready() then return fail('STORE_RESET') end
local t = load_ticket(ARGV[4])
if not t then return fail('UNKNOWN_TICKET', {field = 'number'}) end
local v = view(t)
v.wait = predict_ticket(t)
return reply({ok = true, ticket = v, counts = counts()})
