-- follow.lua (read only): the public views of tickets one server's phones follow, all at one
-- moment, for their live push (announce/Followers): a thousand a run, runs one after another per
-- coalesced change of a site.
-- The site's rates and queue lengths are read once (lib/waits.lua moment) and every place in a
-- queue comes from one pass over each queue (never LPOS per ticket). A ticket waiting in a queue
-- has the view of its queue (public_view of the queue's first ticket of its category) but for its
-- own figures: its number, day, people ahead and predicted wait (predict_ticket, as public_view
-- computes it); only the few tickets not waiting in a queue, or waiting away or called back
-- (P..'away:tickets'), are read from their hash, each with its whole public_view. So 1,000 followed
-- tickets cost a run of a few milliseconds (5,000 at once: 11-15 ms).
-- A.numbers  the followed tickets' numbers
-- A.days     the day of each one's link, in the same order
-- Returns {ok, keys, views, figures}: views are whole public views, each the row of its fields in
-- the order of keys; figures has five numbers per followed ticket, in the order asked: its view (an
-- index into views from 1: the ticket's own; negative: its queue's, with the four figures after it,
-- people ahead and the wait's min, lo and hi, and the number and day asked; 0: no longer kept).
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

local marked = {}
for _, num in ipairs(redis.call('SMEMBERS', P .. 'away:tickets')) do marked[num] = true end

local keys, views, figures = nil, {}, {}
local function add(v)
  if not keys then
    keys = {}
    for k in pairs(v) do keys[#keys + 1] = k end
    table.sort(keys)
  end
  local row = {}
  for j, k in ipairs(keys) do row[j] = v[k] end
  views[#views + 1] = row
  return #views
end

local queue_view = {} -- stage .. category -> index of its view
local t = {state = 'waiting'} -- a ticket waiting in a queue: all its view needs
for i, num in ipairs(A.numbers) do
  local day, stage = A.days[i], stage_of[num]
  local n = #figures
  -- in a queue: this ticket, unless its number is now another day's (a link from an earlier day)
  local queued = stage and (day == DAY or redis.call('HGET', LIVE, num) == day)
  if queued and not marked[num] then
    t.number, t.day, t.category, t.stage = num, day, string.sub(num, 1, 1), stage
    local kind = stage .. t.category
    if not queue_view[kind] then queue_view[kind] = add(public_view(t, m, ahead_of[num])) end
    local w = predict_ticket(t, ahead_of[num], m)
    -- whole minutes: what the view shows (flow/WaitModel), and a shorter reply
    figures[n + 1], figures[n + 2], figures[n + 3], figures[n + 4], figures[n + 5] =
        -queue_view[kind], ahead_of[num], math.floor(w.min + 0.5), w.lo, w.hi
  else
    local held = load_ticket_on(day, num)
    local ahead = nil
    if queued then ahead = ahead_of[num] end
    figures[n + 1], figures[n + 2], figures[n + 3], figures[n + 4], figures[n + 5] =
        held and add(public_view(held, m, ahead)) or 0, 0, 0, 0, 0
  end
end
return reply({ok = true, keys = keys or {}, views = views, figures = figures})
