-- snapshot.lua (read only): the site's counts, capacities, stations, queue lengths and the
-- latest calls, and whether a manager closed it early today, for the state API, dashboards and
-- displays. No personal data.
-- A.recentCalls  how many recent calls; A.stations  the site's station ids
-- include: site, waits, stats
if not site_ready() then return fail('STORE_RESET') end
local stations = {}
for _, id in ipairs(A.stations) do stations[#stations + 1] = station_view(load_station(id)) end
local recent = {}
local want = A.recentCalls
-- The latest calls from the calls index (lib/site.lua's call()); a site whose data predates the
-- index finds them among its events. XREVRANGE with COUNT 0 answers a nil: ask only when wanted.
local entries = want > 0 and redis.call('XREVRANGE', P .. 'calls', '+', '-', 'COUNT', want) or {}
local indexed = #entries > 0
if want > 0 and not indexed then entries = redis.call('XREVRANGE', P .. 'events', '+', '-', 'COUNT', want * 20) end
for _, e in ipairs(entries) do
  local f = {}
  for i = 1, #e[2], 2 do f[e[2][i]] = e[2][i + 1] end
  if indexed or f.type == 'call' then
    recent[#recent + 1] = {eventId = e[1], number = f.number, toKind = f.toKind, toId = f.toId,
                           at = tonumber(f.at), batch = f.batch or '', back = f.back == '1'}
    if #recent >= want then break end
  end
end
local queues = {}
for name, q in pairs({outside = 'outside', hall = 'hall', room = 'room', vaccination = 'vacc'}) do
  queues[name] = {priority = redis.call('LLEN', qkey(q, 'p')), regular = redis.call('LLEN', qkey(q, 'r'))}
end
return reply({ok = true, counts = counts(), stations = stations, recentCalls = recent, queues = queues,
              wait = predict_new('W'), closedToday = settings_cache['closedOn'] == DAY})
