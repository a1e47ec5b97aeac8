-- wait_accuracy.lua (read only): how often the waits predicted at check-in came true: of the
-- latest booth calls of predicted tickets (at most 100, lib/waits.lua), those within the last
-- hour, and of those the share whose wait from check-in to booth call fell within the range
-- predicted at check-in.
-- (no arguments)
-- Returns {ok, calls, within, share (absent when no call)}.
-- include: site, waits, stats
local calls, within = 0, 0
for _, e in ipairs(redis.call('LRANGE', P .. 'waits:scored', 0, -1)) do
  local at, actual, lo, hi = string.match(e, '^(%d+)|(%-?%d+)|(%d+)|(%d+)$')
  if at and NOW - tonumber(at) <= 3600000 then
    calls = calls + 1
    actual = tonumber(actual)
    if actual >= tonumber(lo) and actual <= tonumber(hi) then within = within + 1 end
  end
end
return reply({ok = true, calls = calls, within = within, share = calls > 0 and within / calls or nil})
