-- say.lua: the repeat sayings of calls that are due, each claimed by exactly one server (ZREM
-- inside the script). A saying whose call is still current (the ticket's last call, and nothing
-- happened to the ticket since) is recorded as a 'say' event; every server's stream tail then
-- pushes it to its own displays. A call's later sayings are scheduled in P..'says' ('callId|n',
-- scored by due ms) by the servers that read the call event (ZADD NX, idempotent).
-- A.most     how many due sayings at most; A.staleMs  a saying due longer ago than this is dropped
-- Returns {ok, said, next = due ms of the next saying (absent when none)}.
-- include: site, stats
local SAYS = P .. 'says'
local due = redis.call('ZRANGEBYSCORE', SAYS, '-inf', NOW, 'WITHSCORES', 'LIMIT', 0, A.most)
local said = 0
for i = 1, #due, 2 do
  local member, at = due[i], tonumber(due[i + 1])
  redis.call('ZREM', SAYS, member)
  local call_id, n = string.match(member, '^(%d+%-%d+)|(%d+)$')
  local found = call_id and NOW - at <= A.staleMs and redis.call('XRANGE', P .. 'events', call_id, call_id)[1]
  if found then
    local c = {}
    for j = 1, #found[2], 2 do c[found[2][j]] = found[2][j + 1] end
    local t = c.number and load_ticket(c.number)
    if t and t.lastCallId == call_id and tonumber(t.updatedAt or '0') <= tonumber(t.lastCallAt or '0') then
      -- the call's batch and back appended when it has them: # of a table with a nil inside is any border
      local fields = {'number', t.number, 'callId', call_id, 'repeat', n, 'toKind', c.toKind, 'toId', c.toId,
                      'callAt', c.at}
      for _, f in ipairs({'batch', 'back'}) do
        if c[f] then fields[#fields + 1] = f; fields[#fields + 1] = c[f] end
      end
      event('say', fields)
      said = said + 1
    end
  end
end
local next_due = redis.call('ZRANGE', SAYS, 0, 0, 'WITHSCORES')[2]
return reply({ok = true, said = said, next = next_due and tonumber(next_due) or nil})
