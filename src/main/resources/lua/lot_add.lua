-- lot_add.lua: a lot of vials received at the site (a manager's entry, or the scanned carton), or more vials of a
-- lot the site has already (another carton of it: same product and expiry). A lot past its expiry is refused.
-- A.lot, A.product, A.gtin, A.expiry (YYYY-MM-DD), A.expiryDay (its epoch day), A.usableUntil (ms: the end of
-- the expiry day in the site's zone), A.dosesPerVial, A.vials (sealed vials added)
-- A.seed   true: the demo's stock, added only when the site has no such lot (nothing else happens)
-- Returns {ok, added, lot = {...}} or {err = LOT_EXPIRED (expiry) | LOT_MISMATCH (product, expiry)}.
-- include: site, stats
if not site_ready() then return fail('STORE_RESET') end
local key = P .. 'lot:' .. A.lot
local lot = hgetall(key)
if A.seed and lot.lot then return reply({ok = true, added = false, lot = lot}) end
if A.expiry < DAY then return fail('LOT_EXPIRED', {lot = A.lot, expiry = A.expiry}) end
if lot.lot and (lot.product ~= A.product or lot.expiry ~= A.expiry) then
  return fail('LOT_MISMATCH', {lot = A.lot, product = lot.product, expiry = lot.expiry})
end
if not lot.lot then
  redis.call('HSET', key, 'lot', A.lot, 'product', A.product, 'gtin', A.gtin, 'expiry', A.expiry,
             'usableUntil', A.usableUntil, 'dosesPerVial', A.dosesPerVial, 'vials', 0, 'opened', 0, 'given', 0,
             'wasted', 0, 'addedAt', NOW, 'addedBy', ACTOR)
  redis.call('ZADD', P .. 'lots', A.expiryDay, A.lot)
end
redis.call('HINCRBY', key, 'vials', A.vials)
if not A.seed then append('lot_added', {'lot', A.lot, 'product', A.product, 'expiry', A.expiry, 'vials', A.vials}) end
return reply({ok = true, added = true, lot = hgetall(key)})
