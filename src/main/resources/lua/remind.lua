-- remind.lua: the bookings' reminders that are due, moved into the site's stream as 'reminder'
-- events, each exactly once (taken off P..'reminders' in the same script), for the webhooks that
-- send them (a city's SMS gateway). The event names the appointment; the phone stays in the
-- appointment and is read only when the reminder is delivered to a receiver of reminders.
-- A.most     how many due reminders at most
-- Returns {ok, reminded}.
-- include: site, stats
local REMINDERS = P .. 'reminders'
local due = redis.call('ZRANGEBYSCORE', REMINDERS, '-inf', NOW, 'LIMIT', 0, A.most)
local reminded = 0
for _, code in ipairs(due) do
  redis.call('ZREM', REMINDERS, code)
  local a = redis.call('HMGET', P .. 'appt:' .. code, 'day', 'slot')
  if a[1] then
    remind(code, a[1], a[2])
    reminded = reminded + 1
  end
end
return reply({ok = true, reminded = reminded})
