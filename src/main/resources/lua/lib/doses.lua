-- lib/doses.lua: bookings within the doses (included after lib/site.lua and lib/stats.lua by the scripts that book,
-- give up, give or miss a booked dose). A day's bookable places at a site are the fewer of its free slots and the
-- doses expected that day: the doses of its lots not expired by then, less the doses booked and not given yet.
--
-- Keys (P = 'vf:{site}:', D = a day):
--   P..'doses:booked'   hash: D -> doses booked for D not yet given nor let go. A booking takes one (book.lua) and its
--                       appointment carries doseBooked = '1' while it holds it; the dose is let go once, by whichever
--                       comes first: its cancellation or erasure (book_cancel.lua), its shot (done.lua), its ticket's
--                       no-show (no_show.lua, tick.lua). Days before today are dropped as bookings read it.
--   P..'arrivals:'..D   zset: appointment code -> its slot's start (ms), while its dose is held: the bookings still to
--                       come (or checked in and not given yet), for the people still expected at the site
--   P..'standby'        zset: standby id -> rank (the distance of their community to the site, in 100 m, x 1e13 + when
--                       they registered, ms): nearest first, then the oldest (standby_add.lua; standby.lua pops them)
--   P..'standby:'..id   hash: one person on the standby list (name, phone sealed; community, dose, at); gone at the end
--                       of the day and privacy.retainHours (PEXPIRE), or when invited
--   P..'invites:'..D    zset: appointment code of a standby invitation -> when it expires (ms); left when it is checked
--                       in (or refused: the leftover gone) or expires

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

-- The appointment code of day, its slot starting at start (ms), takes a dose.
local function dose_booked(code, day, start)
  redis.call('HINCRBY', DOSES_BOOKED, day, 1)
  redis.call('HSET', P .. 'appt:' .. code, 'doseBooked', '1')
  redis.call('ZADD', P .. 'arrivals:' .. day, start, code)
  redis.call('EXPIRE', P .. 'arrivals:' .. day, KEEP)
end

-- The appointment code's dose let go (cancelled, given, missed): once, whatever comes after.
local function dose_let_go(code)
  if not code or code == '' then return end
  local key = P .. 'appt:' .. code
  if redis.call('HDEL', key, 'doseBooked') == 0 then return end
  local day = redis.call('HGET', key, 'day')
  if not day then return end
  if tonumber(redis.call('HGET', DOSES_BOOKED, day) or '0') > 0 then redis.call('HINCRBY', DOSES_BOOKED, day, -1) end
  redis.call('ZREM', P .. 'arrivals:' .. day, code)
end

-- The doses left in the site's open vials that may still be given (not past their time).
local function open_doses()
  local n = 0
  for i = 1, setting('booths') do
    local v = redis.call('HMGET', P .. 'vial:booth-' .. i, 'dosesLeft', 'expiresAt')
    if v[1] and NOW < tonumber(v[2] or '0') then n = n + tonumber(v[1]) end
  end
  return n
end

-- What the open vials hold beyond the people still expected to take a dose: everyone in the site not given one yet
-- (outside, away, in the hall, the room, at a desk, in the vaccination queue, at a booth), and today's bookings not
-- checked in whose slot started late_ms ago or less (a booking checked in is among the people in the site). Bounded:
-- the bookings are looked at one by one only when fewer than the open doses are still to come.
local function standby_spare(late_ms)
  local open = open_doses()
  if open < 1 then return 0 end
  local inside = count('outside') + count('away') + count('hall') + count('room') + count('desk') + count('vaccination')
      + count('booth')
  if inside >= open then return 0 end
  local arrivals = P .. 'arrivals:' .. DAY
  if redis.call('ZCOUNT', arrivals, NOW - late_ms, '+inf') >= open then return 0 end
  local coming = 0
  for _, code in ipairs(redis.call('ZRANGEBYSCORE', arrivals, NOW - late_ms, '+inf')) do
    if redis.call('EXISTS', P .. 'used:' .. code) == 0 then coming = coming + 1 end
  end
  return open - inside - coming
end
