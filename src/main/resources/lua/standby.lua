-- standby.lua: when the site's open vials hold more doses than the people still expected to take one (lib/doses.lua,
-- standby_spare), people on its standby list are invited to them, nearest first, then the oldest: A.overbook times
-- the spare doses, less the invitations still out (some will not come; the first to check in get the doses,
-- checkin.lua tells the others it is gone). Each invitation is an appointment of category S for now, good until
-- A.inviteMs from now: a 'standby' event names it (the webhooks send its code to the person's phone). Run by the
-- sweep at every tick (flow.tickMs); bounded by the codes it is given, and quick while the list is empty.
-- A.codes     new appointment codes (at most this many invited at once);  A.vouchers  their signed vouchers (category S)
-- A.overbook  standby.overbookFactor;  A.inviteMs  how long an invitation is good
-- A.lateMs    how long after its slot's start a booking not checked in is still expected
-- A.slot      now, local HH:MM (the invitation's slot);  A.keepSec, A.eraseAt  as a booking's (book.lua)
-- Returns {ok, invited, spare, wanted (asked without codes: how many would be invited)}.
-- include: site, stats, stock, doses
if not site_ready() then return fail('STORE_RESET') end
local list = P .. 'standby'
if redis.call('ZCARD', list) == 0 then return reply({ok = true, invited = 0, spare = 0}) end
local spare = standby_spare(A.lateMs)
if spare < 1 then return reply({ok = true, invited = 0, spare = spare}) end
local invites = P .. 'invites:' .. DAY
redis.call('ZREMRANGEBYSCORE', invites, '-inf', NOW)
local wanted = math.min(math.ceil(A.overbook * spare) - redis.call('ZCARD', invites), redis.call('ZCARD', list))
-- asked without codes (the sweep's first look): how many it would invite, so codes are made only when they are needed
if #A.codes == 0 or wanted < 1 then return reply({ok = true, invited = 0, spare = spare, wanted = math.max(0, wanted)}) end
local want = math.min(wanted, #A.codes)
local invited = 0
while invited < want do
  local first = redis.call('ZRANGE', list, 0, 0)[1]
  if not first then break end
  redis.call('ZREM', list, first)
  local who = hgetall(P .. 'standby:' .. first)
  if who.phone then -- else erased meanwhile
    invited = invited + 1
    local code, voucher, expires = A.codes[invited], A.vouchers[invited], NOW + A.inviteMs
    local key = P .. 'appt:' .. code
    redis.call('HSET', key, 'code', code, 'name', who.name, 'phone', who.phone, 'idType', 'resident', 'idNumber', '',
               'person', '', 'dose', who.dose, 'priority', '', 'category', 'S', 'day', DAY, 'slot', A.slot, 'slotStart', NOW,
               'createdAt', NOW, 'anaphylaxis', '0', 'expiresAt', expires, 'lateMs', A.lateMs, 'voucher', voucher)
    redis.call('EXPIRE', key, A.keepSec)
    redis.call('ZADD', P .. 'erase', A.eraseAt, 'a|' .. code)
    redis.call('ZADD', invites, expires, code)
    redis.call('EXPIRE', invites, KEEP)
    redis.call('DEL', P .. 'standby:' .. first)
    stock_day('standbyInvited', 1)
    append('standby', {'appointment', code, 'dose', who.dose, 'expiresAt', expires})
  end
end
return reply({ok = true, invited = invited, spare = spare})
