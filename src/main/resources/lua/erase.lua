-- erase.lua: people's names, ID numbers and phones erased once they are no longer needed: privacy.retainHours
-- after a ticket was released or marked no-show (lib/site.lua's transition schedules it), after the end of a
-- booking's day (book.lua). Each due entry of P..'erase' once, at most A.most a run. A ticket reinstated meanwhile
-- (no longer released or no-show) is left alone: its next release schedules it again. A ticket whose 'hold' field
-- is set (its shot still waits for delivery to the immunization record, which clears it) is looked at again an
-- hour later. What stays is what holds nothing personal: the ticket's stages and times, the booking's day, slot
-- and flags, the person's keyed hash (PersonKey).
-- A.most     how many due entries at most
-- Returns {ok, erased, held}.
-- include: site, stats
local ERASE = P .. 'erase'
local HOLD_RETRY_MS = 3600000
local due = redis.call('ZRANGEBYSCORE', ERASE, '-inf', NOW, 'LIMIT', 0, A.most)
local erased, held = 0, 0
for _, member in ipairs(due) do
  redis.call('ZREM', ERASE, member)
  local what, a, b = string.match(member, '^(%a)|([^|]+)|?(.*)$')
  if what == 't' then
    local key = tkey_on(a, b)
    local f = redis.call('HMGET', key, 'stage', 'state', 'hold')
    if f[1] == 'released' or f[2] == 'no_show' then
      if (f[3] or '') ~= '' then
        redis.call('ZADD', ERASE, NOW + HOLD_RETRY_MS, member)
        held = held + 1
      else
        erased = erased + redis.call('HDEL', key, 'name', 'idNumber')
      end
    end
  elseif what == 'a' then
    erased = erased + redis.call('HDEL', P .. 'appt:' .. a, 'name', 'idNumber', 'phone')
  end
end
return reply({ok = true, erased = erased, held = held})
