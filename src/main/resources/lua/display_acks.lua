-- display_acks.lua: records what the hall displays said (acks of calls, hellos, bridge pings, a
-- closed connection), coalesced by each server (one run per site and second at most), keeping per
-- display the latest contact and the latest ack whichever server heard them, and bounded: the
-- A.most most recently heard displays, none older than A.forgetBefore (ms); both keys expire
-- A.keepMs after the last run.
-- A.heard [{display, at (ms of the contact), ackAt (ms, 0: no ack), call (id), sound ('' : not said), closed}]
-- displays:last holds 'ackMs|callId|contactMs|sound|closed' (an earlier release wrote 'ackMs|callId').
-- include: (core only)
local ACKS, LAST = P .. 'displays:acks', P .. 'displays:last'
for _, h in ipairs(A.heard) do
  local ack_at, call, at, sound, closed = 0, '', 0, '', '0'
  local old = redis.call('HGET', LAST, h.display)
  if old then
    local f = {}
    for part in string.gmatch(old .. '|', '([^|]*)|') do f[#f + 1] = part end
    ack_at, call = tonumber(f[1]) or 0, f[2] or ''
    at = tonumber(f[3] or '') or ack_at
    sound, closed = f[4] or '', f[5] or '0'
  end
  if h.ackAt > ack_at then ack_at, call = h.ackAt, h.call end
  if h.at >= at then
    at = h.at
    if h.sound ~= '' then sound = h.sound end
    closed = h.closed and '1' or '0'
  end
  redis.call('ZADD', ACKS, at, h.display)
  redis.call('HSET', LAST, h.display, string.format('%d|%s|%d|%s|%s', ack_at, call, at, sound, closed))
end
redis.call('ZREMRANGEBYSCORE', ACKS, '-inf', '(' .. string.format('%d', A.forgetBefore))
redis.call('ZREMRANGEBYRANK', ACKS, 0, -(A.most + 1))
if redis.call('HLEN', LAST) > redis.call('ZCARD', ACKS) then
  for _, id in ipairs(redis.call('HKEYS', LAST)) do
    if not redis.call('ZSCORE', ACKS, id) then redis.call('HDEL', LAST, id) end
  end
end
redis.call('PEXPIRE', ACKS, A.keepMs)
redis.call('PEXPIRE', LAST, A.keepMs)
return reply({ok = true, displays = redis.call('ZCARD', ACKS)})
