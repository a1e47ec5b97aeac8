-- ticket.lua (read only): one ticket's public view ("where is my number?").
-- ARGV[4] number
-- include: site
if not site_ready() then return fail('STORE_RESET') end
local t = load_ticket(ARGV[4])
if not t then return fail('UNKNOWN_TICKET', {field = 'number'}) end
return reply({ok = true, ticket = view(t), counts = counts()})
