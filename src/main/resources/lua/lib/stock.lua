-- lib/stock.lua: a site's vaccine stock: its lots, the vials open at its booths, and the shots given from them
-- (included after lib/site.lua and lib/stats.lua by the scripts that open, use or discard vials).
--
-- Keys (P = 'vf:{site}:', D = a day):
--   P..'lot:'..lot        hash: product, lot, gtin, expiry (YYYY-MM-DD), usableUntil (ms: the end of its expiry day),
--                         dosesPerVial, vials (sealed on hand), opened (vials opened), given, wasted, addedAt, addedBy
--   P..'lots'             zset: lot -> its expiry's epoch day (the soonest first)
--   P..'vial:'..station   hash: the booth's open vial: lot, product, openedAt, expiresAt (ms), dosesLeft, vialNo
--                         (the lot's n-th vial opened), openedBy; gone once empty, discarded or past its time
--   P..'shot:'..shotId    hash: one shot given (product, lot, expiry, dose, at, by, station, day, number, appointment,
--                         personKey): what the immunization record is made from
--   P..'stock:'..D        hash: the day's doses given and wasted at the site: given, wasted, given:<lot>, wasted:<lot>,
--                         given@<q>, wasted@<q> (quarter hour q = epoch ms / 900000); standbyInvited, standbyAccepted,
--                         standbyGone (the standby list's invitations: lib/doses.lua)
-- A lot keeps given + wasted + (doses left in its open vials) = opened x dosesPerVial; its doses left are
-- vials x dosesPerVial and those of its open vials.
-- The settings (P..'settings') hold cfg.stockRequired (1: a booth's done needs an open vial), cfg.discardMin.<product>
-- (the minutes an opened vial lasts) and cfg.allow.<dose>.<series>.<product> = 1 (that dose of the series may be given
-- with the product), from the config (flow/SiteFlow.productSettings).

local SHOT_KEEP = 2592000 -- a shot's record is kept 30 days at most (the registry's delivery removes it sooner)

local function vial_key(station) return P .. 'vial:' .. station end


local function stock_day(field, by, lot)
  local key = P .. 'stock:' .. DAY
  redis.call('HINCRBY', key, field, by)
  if lot then redis.call('HINCRBY', key, field .. ':' .. lot, by) end
  -- by quarter hour too (epoch ms / 900000, as lib/stats.lua): the dashboard sums them into local hours
  if field == 'given' or field == 'wasted' then redis.call('HINCRBY', key, field .. '@' .. math.floor(NOW / 900000), by) end
  redis.call('EXPIRE', key, KEEP)
end

-- The booth's open vial given up: the doses left in it counted wasted (its lot's and today's), the vial gone.
local function discard_vial(station, v, reason)
  local left = tonumber(v.dosesLeft or '0')
  if left > 0 then
    redis.call('HINCRBY', P .. 'lot:' .. v.lot, 'wasted', left)
    stock_day('wasted', left, v.lot)
  end
  redis.call('DEL', vial_key(station))
  redis.call('ZREM', TIMERS, 'vial|' .. station .. '|' .. v.lot .. '/' .. v.vialNo)
  append('vial_discarded', {'station', station, 'lot', v.lot, 'vialNo', v.vialNo, 'wasted', left, 'reason', reason})
  return left
end

-- Whether product may be given as dose of a series: the series' product when the ticket's booking names one (series),
-- else any configured series whose dose allows it.
local function product_allowed(product, dose, series)
  for name in pairs(settings_cache) do
    local d, s, p = string.match(name, '^cfg%.allow%.(%d+)%.([^.]+)%.([^.]+)$')
    if d and tonumber(d) == dose and p == product and (series == '' or series == nil or s == series) then return true end
  end
  return false
end

-- The shot the booth s is about to give ticket t: from its open vial (nil, and no refusal, at a site whose stock is
-- not required while no vial is open); or the refusal, before anything is written.
local function shot_from_vial(s, t)
  local v = hgetall(vial_key(s.id))
  local dose = tonumber(t.dose or '1') or 1
  if not v.lot or tonumber(v.dosesLeft or '0') < 1 then
    if setting('stockRequired') == 1 then return nil, fail('NO_OPEN_VIAL', {station = s.id}) end
    return {dose = dose, product = '', lot = '', expiry = '', vialNo = ''}
  end
  local lot = hgetall(P .. 'lot:' .. v.lot)
  if (lot.expiry or '') < DAY then return nil, fail('LOT_EXPIRED', {lot = v.lot, expiry = lot.expiry}) end
  if NOW >= tonumber(v.expiresAt) then
    return nil, fail('VIAL_EXPIRED', {lot = v.lot, expiresAt = tonumber(v.expiresAt), dosesLeft = tonumber(v.dosesLeft)})
  end
  local series = ''
  if t.appointment and t.appointment ~= '' then series = redis.call('HGET', P .. 'appt:' .. t.appointment, 'product') or '' end
  if not product_allowed(v.product, dose, series) then
    return nil, fail('WRONG_PRODUCT', {product = v.product, dose = dose, series = series ~= '' and series or nil})
  end
  return {dose = dose, product = v.product, lot = v.lot, expiry = lot.expiry, vialNo = v.vialNo, vial = v}
end

-- The shot given (done.lua, after the transition): a dose out of the vial, counted given; its record and its event.
-- Returns what the caller needs for the city's record of the person's doses.
local function record_shot(s, t, shot)
  if shot.vial then
    local left = redis.call('HINCRBY', vial_key(s.id), 'dosesLeft', -1)
    redis.call('HINCRBY', P .. 'lot:' .. shot.lot, 'given', 1)
    if left <= 0 then
      redis.call('DEL', vial_key(s.id))
      redis.call('ZREM', TIMERS, 'vial|' .. s.id .. '|' .. shot.lot .. '/' .. shot.vialNo)
    end
    shot.dosesLeft = left
  end
  stock_day('given', 1, shot.lot ~= '' and shot.lot or nil)
  local site = string.match(KEYS[1], '{(.*)}')
  local id = site .. '-' .. t.day .. '-' .. t.number .. '-d' .. shot.dose
  local person = t.person or '' -- the ticket's PersonKey ('' for an offline check-in: the booking's then)
  if person == '' and (t.appointment or '') ~= '' then person = redis.call('HGET', P .. 'appt:' .. t.appointment, 'person') or '' end
  local key = P .. 'shot:' .. id
  redis.call('HSET', key, 'product', shot.product, 'lot', shot.lot, 'expiry', shot.expiry, 'dose', shot.dose,
             'at', NOW, 'by', ACTOR, 'station', s.id, 'day', DAY, 'number', t.number, 'appointment', t.appointment or '',
             'personKey', person)
  redis.call('EXPIRE', key, SHOT_KEEP)
  event('shot', {'number', t.number, 'station', s.id, 'product', shot.product, 'lot', shot.lot, 'expiry', shot.expiry,
                 'dose', shot.dose, 'vialNo', shot.vialNo, 'shotId', id})
  -- the immunization record's delivery sets the ticket's hold here when it needs the person's name kept (erase.lua)
  return {shotId = id, dose = shot.dose, product = shot.product, lot = shot.lot, day = DAY, personKey = person,
          dosesLeft = shot.dosesLeft}
end
