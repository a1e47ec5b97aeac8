-- tick.lua: sweep the site's due timers. Arrival timeout: re-call once, then no-show. Lease:
-- a silent station's ticket goes back to the head of its queue. Observation: call to the exit,
-- released. Timers of tickets issued on an earlier day run like today's (a day ends with people
-- still inside). Then the buffers are filled, and the people waiting away whose room call is
-- flow.returnLeadMin or less away are called back to the hall (lib/waits.lua). Vial: a booth's open
-- vial past its time is discarded, its doses left counted wasted (lib/stock.lua). Safe to run from
-- every server at once: each due timer is handled exactly once, and a call back clears the away
-- mark it is made for.
-- The Redis it runs on is checked first (restart_check, lib/site.lua): a restarted one has today's numbering
-- lifted above the server's floors before anyone checks in.
-- A.most     how many due timers at most
-- A.floors   {A, P, W}: the highest number of each category the server saw issued today
-- include: site, waits, stats, stock, doses
if not site_ready() then return fail('STORE_RESET') end
local run_id, restarted = restart_check(A.floors)
local due = redis.call('ZRANGEBYSCORE', TIMERS, '-inf', NOW, 'LIMIT', 0, A.most)
local handled = 0
for _, member in ipairs(due) do
  redis.call('ZREM', TIMERS, member)
  local what, a, b = string.match(member, '^(%a+)|([^|]+)|?(.*)$')
  if what == 'arrive' then
    local t = load_ticket_on(a, b)
    if t and t.stage == 'hall' and t.state == 'called' then
      if tonumber(t.recalls or '0') < 1 then
        redis.call('HSET', tkey(t), 'recalls', 1)
        call(t, 'room', 'room')
        redis.call('ZADD', TIMERS, NOW + setting('arrivalTimeoutSec') * 1000, member)
      else
        transition(t, 'hall', 'no_show', 'no_show')
        dose_let_go(t.appointment) -- a booked patient's dose goes back to the day's bookable ones (lib/doses.lua)
      end
    end
  elseif what == 'lease' then
    local s = load_station(a)
    local t = held(s)
    if t then give_back(s, t, 'lease_expired') end
  elseif what == 'observe' then
    local t = load_ticket_on(a, b)
    if t and t.stage == 'observation' then
      transition(t, 'released', 'done', 'release')
      call(t, 'exit', 'exit')
    end
  elseif what == 'vial' then
    local v = hgetall(vial_key(a))
    if v.lot and v.lot .. '/' .. v.vialNo == b then discard_vial(a, v, 'expired') end
  end
  handled = handled + 1
end
local called = fill()
local called_back = call_back_due()
return reply({ok = true, handled = handled, called = #called, calledBack = called_back, redis = run_id,
               restarted = restarted})
