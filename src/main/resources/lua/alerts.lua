-- alerts.lua: the alerts one server sees at the site now (its dashboard figures); an 'alert' event
-- only on a change, however many servers report: raised when the first server sees it, cleared when
-- no server has seen it for A.quietMs (servers that disagree for a while, such as a breaker open on
-- one of them, make no flapping). Reports are compared on the wall clock, not the site's.
-- A.seen     [{code, subject?, severity, value, limit}] every alert this server sees now
-- A.wallMs   this report's wall-clock ms
-- A.quietMs  an alert no server has seen for this long is cleared
-- Returns {ok, raised, cleared}.
-- include: site, stats
local ALERTS = P .. 'alerts'
local function key_of(code, subject) if subject then return code .. '|' .. subject end return code end
local function alert_event(state, code, subject, severity, value, limit)
  append('alert', {'state', state, 'code', code, 'subject', subject, 'severity', severity,
                   'value', value, 'limit', limit})
end

local seen, raised, cleared = {}, 0, 0
for _, a in ipairs(A.seen) do
  local key = key_of(a.code, a.subject)
  seen[key] = true
  if redis.call('HEXISTS', ALERTS, key) == 0 then
    alert_event('raised', a.code, a.subject, a.severity, a.value, a.limit)
    raised = raised + 1
  end
  redis.call('HSET', ALERTS, key, A.wallMs .. '|' .. a.severity .. '|' .. a.value .. '|' .. a.limit)
end
local active = redis.call('HGETALL', ALERTS)
for i = 1, #active, 2 do
  local key = active[i]
  local last, severity, value, limit = string.match(active[i + 1], '^(%d+)|([^|]*)|([^|]*)|(.*)$')
  if not seen[key] and A.wallMs - tonumber(last or '0') >= A.quietMs then
    redis.call('HDEL', ALERTS, key)
    local code, subject = string.match(key, '^([^|]+)|?(.*)$')
    alert_event('cleared', code, subject ~= '' and subject or nil, severity, value, limit)
    cleared = cleared + 1
  end
end
return reply({ok = true, raised = raised, cleared = cleared})
