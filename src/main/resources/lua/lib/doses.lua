-- lib/doses.lua: bookings within the doses (included after lib/site.lua and lib/stats.lua by the scripts that book,
-- give up, give or miss a booked dose). A day's bookable places at a site are the fewer of its free slots and the
-- doses expected that day: the doses of its lots not expired by then, less the doses booked and not given yet.
--
-- Keys (P = 'vf:{site}:', D = a day):
--   P..'doses:booked'   hash: D -> doses booked for D not yet given nor let go. A booking takes one (book.lua) and its
--                       appointment carries doseBooked = '1' while it holds it; the dose is let go once, by whichever
--                       comes first: its cancellation or erasure (book_cancel.lua), its shot (done.lua), its ticket's
--                       no-show (no_show.lua, tick.lua). Days before today are dropped as bookings read it.

local DOSES_BOOKED = P .. 'doses:booked'

-- The doses the site may still book for day (epoch_day: its number of days since 1970-01-01): the doses of its lots
-- whose expiry is that day or later (sealed vials; for today also what is left in today's open vials: an open vial is
-- gone by tomorrow), less every dose booked for today or later and not given yet (a booking of an earlier day uses up
-- doses a later day could have had: counting them all never books a dose twice). Returns left, usable, booked.
local function doses_bookable(day, epoch_day)
  local usable = 0
  for _, lot in ipairs(redis.call('ZRANGEBYSCORE', P .. 'lots', epoch_day, '+inf')) do
    local l = redis.call('HMGET', P .. 'lot:' .. lot, 'vials', 'dosesPerVial', 'opened', 'given', 'wasted')
    local per = tonumber(l[2] or '0') or 0
    usable = usable + (tonumber(l[1] or '0') or 0) * per
    if day == DAY then
      -- a lot keeps given + wasted + (doses left in its open vials) = opened x dosesPerVial (lib/stock.lua)
      usable = usable + (tonumber(l[3] or '0') or 0) * per - (tonumber(l[4] or '0') or 0) - (tonumber(l[5] or '0') or 0)
    end
  end
  local booked = 0
  local all = redis.call('HGETALL', DOSES_BOOKED)
  for i = 1, #all, 2 do
    if all[i] >= DAY then booked = booked + tonumber(all[i + 1]) else redis.call('HDEL', DOSES_BOOKED, all[i]) end
  end
  return usable - booked, usable, booked
end

-- The appointment (its hash key) of day takes a dose.
local function dose_booked(key, day)
  redis.call('HINCRBY', DOSES_BOOKED, day, 1)
  redis.call('HSET', key, 'doseBooked', '1')
end

-- The appointment code's dose let go (cancelled, given, missed): once, whatever comes after.
local function dose_let_go(code)
  if not code or code == '' then return end
  local key = P .. 'appt:' .. code
  if redis.call('HDEL', key, 'doseBooked') == 0 then return end
  local day = redis.call('HGET', key, 'day')
  if day and tonumber(redis.call('HGET', DOSES_BOOKED, day) or '0') > 0 then redis.call('HINCRBY', DOSES_BOOKED, day, -1) end
end
