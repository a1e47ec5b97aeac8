-- observation.lua: the people in the observation area for its tablet: those held by a severe
-- reaction first, then by their release time. Reads only.
-- A = {max}   at most this many people
-- include: site, observe, stats
if not site_ready() then return fail('STORE_RESET') end
local max = A.max
local people = {}
local function add(day, num)
  if #people >= max then return end
  local t = load_ticket_on(day, num)
  if t and t.stage == 'observation' then people[#people + 1] = person_view(t) end
end
for _, m in ipairs(redis.call('ZRANGE', HELD, 0, -1)) do
  local day, num = string.match(m, '^([^|]+)|(.+)$')
  if day then add(day, num) end
end
-- the timers of every kind, soonest first; a site holds a few hundred at most
for _, m in ipairs(redis.call('ZRANGE', TIMERS, 0, -1)) do
  local day, num = string.match(m, '^observe|([^|]+)|(.+)$')
  if day then add(day, num) end
end
return reply({ok = true, people = people, observation = count('observation')})
