-- devices.lua: the site's enrolled devices (the dashboard's list).
-- Returns {ok, devices = [{id, role, name, enrolledAt, enrolledBy, lastSeen}]}.
-- include: (core only)
local list = {}
local ids = redis.call('HGETALL', P .. 'devices')
for i = 1, #ids, 2 do
  local d = hgetall(P .. 'device:' .. ids[i + 1])
  if d.id then list[#list + 1] = d end
end
return reply({ok = true, devices = list})
