-- display_acks.lua: records the hall displays' latest acknowledgements, coalesced by each server
-- (one run per site and second at most), and keeps them bounded: the A.most most recently heard
-- displays, none older than A.forgetBefore (ms); both keys expire A.keepMs after the last run.
-- A.acks [{display, at (ms), call (id)}]
-- include: (core only)
local ACKS, LAST = P .. 'displays:acks', P .. 'displays:last'
for _, a in ipairs(A.acks) do
  redis.call('ZADD', ACKS, a.at, a.display)
  redis.call('HSET', LAST, a.display, string.format('%d', a.at) .. '|' .. a.call)
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
