-- doses_day.lua: the dashboard's doses of the day at the site (read only): the day's doses given and wasted (by lot
-- and by quarter hour) and the standby list's invitations (stock:D), each lot's product, the vials open at its booths
-- with their time, the people on its standby list and the invitations still out.
-- A.booths  the site's booths
-- Returns {ok, today = stock:D hash, products = {lot = product}, vials = [{station, lot, product, dosesLeft, openedAt,
-- expiresAt}], standby (people on the list), invitesOut}.
-- include: site, stats, stock
local today = hgetall(P .. 'stock:' .. DAY)
today['_'] = '0' -- never an empty table: cjson would write []
local products = {_ = ''}
for _, id in ipairs(redis.call('ZRANGE', P .. 'lots', 0, -1)) do products[id] = redis.call('HGET', P .. 'lot:' .. id, 'product') end
local vials = {}
for _, b in ipairs(A.booths) do
  local v = hgetall(vial_key(b))
  if v.lot then
    vials[#vials + 1] = {station = b, lot = v.lot, product = v.product, dosesLeft = tonumber(v.dosesLeft),
                         openedAt = tonumber(v.openedAt), expiresAt = tonumber(v.expiresAt)}
  end
end
return reply({ok = true, today = today, products = products, vials = vials, standby = redis.call('ZCARD', P .. 'standby'),
              invitesOut = redis.call('ZCOUNT', P .. 'invites:' .. DAY, NOW, '+inf')})
