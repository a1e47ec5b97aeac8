-- display_acks.lua: records the hall displays' latest acknowledgements, coalesced by each server
-- (one run per site and second at most), and keeps them bounded: the ARGV[6] most recently heard
-- displays, none older than ARGV[4]; both keys expire ARGV[5] ms after the last run.
-- ARGV[4] forget acks before this ms, ARGV[5] keep ms, ARGV[6] most displays,
-- ARGV[7..] display id, ack ms, call id (triples)
-- include: (core only)
local ACKS, LAST = P .. 'displays:acks', P .. 'displays:last'
for i = 7, #ARGV, 3 do
  redis.call('ZADD', ACKS, ARGV[i + 1], ARGV[i])
  redis.call('HSET', LAST, ARGV[i], ARGV[i + 1] .. '|' .. ARGV[i + 2])
end
redis.call('ZREMRANGEBYSCORE', ACKS, '-inf', '(' .. ARGV[4])
redis.call('ZREMRANGEBYRANK', ACKS, 0, -(tonumber(ARGV[6]) + 1))
if redis.call('HLEN', LAST) > redis.call('ZCARD', ACKS) then
  for _, id in ipairs(redis.call('HKEYS', LAST)) do
    if not redis.call('ZSCORE', ACKS, id) then redis.call('HDEL', LAST, id) end
  end
end
redis.call('PEXPIRE', ACKS, ARGV[5])
redis.call('PEXPIRE', LAST, ARGV[5])
-- earlier versions kept every display ever heard in one hash, unbounded
redis.call('UNLINK', P .. 'displays')
return reply({ok = true, displays = redis.call('ZCARD', ACKS)})
