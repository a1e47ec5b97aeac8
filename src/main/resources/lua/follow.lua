-- follow.lua (read only): the public views of the tickets one server's phones follow, all at one
-- moment, for their live push (announce/Followers): one script per site per coalesced change.
-- The site's rates and queue lengths are read once (lib/waits.lua moment), every place in a queue
-- comes from one pass over each queue (never LPOS per ticket), and a ticket waiting in a queue
-- needs nothing else (its number names its category): only the few not waiting are read from
-- their hash. Each view is lib/waits.lua's public_view, as the lookup and the check-in show it.
-- A.numbers  the followed tickets' numbers
-- A.days     the day of each one's link, in the same order
-- Returns {ok, keys, rows}: each view as the row of its fields in the order of keys (one row per
-- ticket still kept, in the order asked: numbers a row does not name are no longer kept).
-- include: site, waits, stats
if not site_ready() then return fail('STORE_RESET') end
local m = moment()
local stage_of, ahead_of = {}, {}
for stage, q in pairs(QUEUE_OF) do
  local priority = redis.call('LRANGE', qkey(q, 'p'), 0, -1)
  for i, num in ipairs(priority) do stage_of[num], ahead_of[num] = stage, i - 1 end
  local before = #priority -- a regular ticket waits behind the whole priority lane (people_ahead)
  for i, num in ipairs(redis.call('LRANGE', qkey(q, 'r'), 0, -1)) do stage_of[num], ahead_of[num] = stage, before + i - 1 end
end

local keys, rows = nil, {}
for i, num in ipairs(A.numbers) do
  local day = A.days[i]
  local stage, t, ahead = stage_of[num], nil, nil
  -- in a queue: this ticket, unless its number is now another day's (a link from an earlier day)
  if stage and (day == DAY or redis.call('HGET', LIVE, num) == day) then
    t = {number = num, day = day, category = string.sub(num, 1, 1), stage = stage, state = 'waiting'}
    ahead = ahead_of[num]
  else
    t = load_ticket_on(day, num)
  end
  if t then
    local v = public_view(t, m, ahead)
    if not keys then
      keys = {}
      for k in pairs(v) do keys[#keys + 1] = k end
      table.sort(keys)
    end
    local row = {}
    for j, k in ipairs(keys) do row[j] = v[k] end
    rows[#rows + 1] = row
  end
end
return reply({ok = true, keys = keys or {}, rows = rows})
