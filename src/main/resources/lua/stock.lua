-- stock.lua: the site's stock as it is: every lot, the vials open at its booths, and today's doses given and wasted.
-- Read only.
-- A.booths  the site's booths
-- Returns {ok, lots = [lot hash...] (soonest expiry first), vials = {booth = vial hash}, today = stock:D hash}.
-- include: site, stats, stock
local lots = {}
for _, id in ipairs(redis.call('ZRANGE', P .. 'lots', 0, -1)) do lots[#lots + 1] = hgetall(P .. 'lot:' .. id) end
local vials = {}
for _, b in ipairs(A.booths) do
  local v = hgetall(vial_key(b))
  if v.lot then vials[b] = v end
end
local today = hgetall(P .. 'stock:' .. DAY)
today['_'] = '0' -- never an empty table: cjson would write []
vials['_'] = {}
return reply({ok = true, lots = lots, vials = vials, today = today})
