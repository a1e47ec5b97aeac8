-- vial_open.lua: the vaccinator opens a sealed vial of a lot at a booth (first puncture): the booth's open vial from
-- now until the product's discardAfterMin has passed (never past the lot's expiry); a vial still open there with doses
-- left is given up first, its doses counted wasted. Its time is a timer (tick.lua discards it then).
-- A.station  the booth;  A.lot  the lot;  A.product  the product the scanned carton names ('' : by lot number)
-- A.stopOpeningAt  ms of today's lastHour.stopOpeningAt (0: none): from then no new vial unless at least
-- A.minWaitingToOpen people wait for a shot (at a desk, in the vaccination queue or at a booth) beyond the doses left in
-- the site's other open vials, counting the people on its standby list (invited to what the vial has left over) once one
-- does (STOP_OPENING, nothing changed: send the patient to a booth with one)
-- Returns {ok, vial = {...}, wasted (doses of the vial it replaced)} or {err = INVALID_INPUT (not a booth) | UNKNOWN_LOT | LOT_MISMATCH |
-- LOT_EXPIRED (expiry) | NO_VIALS_LEFT | WRONG_PRODUCT (product: not configured any more) |
-- STOP_OPENING (waiting, minWaitingToOpen, stopOpeningAt, dosesOpen: doses left in the site's other open vials, standby)}.
-- include: site, stats, stock
if not site_ready() then return fail('STORE_RESET') end
if kind_of(A.station) ~= 'booth' then return fail('INVALID_INPUT', {field = 'station', reason = 'A vial is opened at a booth.'}) end
local lot = hgetall(P .. 'lot:' .. A.lot)
if not lot.lot then return fail('UNKNOWN_LOT', {lot = A.lot}) end
if A.product ~= '' and lot.product ~= A.product then
  return fail('LOT_MISMATCH', {lot = A.lot, product = lot.product, expiry = lot.expiry})
end
if lot.expiry < DAY then return fail('LOT_EXPIRED', {lot = A.lot, expiry = lot.expiry}) end
if tonumber(lot.vials) < 1 then return fail('NO_VIALS_LEFT', {lot = A.lot}) end
local discard_min = setting('discardMin.' .. lot.product)
if discard_min <= 0 then return fail('WRONG_PRODUCT', {product = lot.product}) end
if A.stopOpeningAt > 0 and NOW >= A.stopOpeningAt then
  -- the people waiting for a shot that the doses left in the site's other open vials do not cover
  local waiting = count('desk') + count('vaccination') + count('booth')
  local open = 0
  for i = 1, setting('booths') do
    local b = 'booth-' .. i
    if b ~= A.station then open = open + tonumber(redis.call('HGET', vial_key(b), 'dosesLeft') or '0') end
  end
  -- the people on the standby list count too: the vial's doses left over will be theirs (standby.lua invites them)
  local standby = redis.call('ZCARD', P .. 'standby')
  if waiting - open < 1 or waiting - open + standby < A.minWaitingToOpen then
    return fail('STOP_OPENING', {waiting = waiting, minWaitingToOpen = A.minWaitingToOpen, stopOpeningAt = A.stopOpeningAt,
                                 dosesOpen = open, standby = standby})
  end
end

local wasted = 0
local old = hgetall(vial_key(A.station))
if old.lot then wasted = discard_vial(A.station, old, 'replaced') end
local opened = redis.call('HINCRBY', P .. 'lot:' .. A.lot, 'opened', 1)
redis.call('HINCRBY', P .. 'lot:' .. A.lot, 'vials', -1)
local expires = math.min(NOW + discard_min * 60000, tonumber(lot.usableUntil))
local v = {lot = A.lot, product = lot.product, openedAt = NOW, expiresAt = expires, dosesLeft = tonumber(lot.dosesPerVial),
           vialNo = opened, openedBy = ACTOR}
redis.call('HSET', vial_key(A.station), 'lot', v.lot, 'product', v.product, 'openedAt', v.openedAt, 'expiresAt', v.expiresAt,
           'dosesLeft', v.dosesLeft, 'vialNo', v.vialNo, 'openedBy', v.openedBy)
redis.call('ZADD', TIMERS, expires, 'vial|' .. A.station .. '|' .. A.lot .. '/' .. opened)
append('vial_opened', {'station', A.station, 'lot', A.lot, 'product', lot.product, 'vialNo', opened, 'expiresAt', expires})
return reply({ok = true, vial = v, wasted = wasted})
