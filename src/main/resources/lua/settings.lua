-- settings.lua: a manager changes the site's capacities; the buffers refill at once.
-- A.changes  [{name, value}] (hallCapacity, roomCapacity), in order
-- include: site, stats
if not site_ready() then return fail('STORE_RESET') end
local changes = {}
for _, c in ipairs(A.changes) do
  redis.call('HSET', P .. 'settings', c.name, c.value)
  changes[#changes + 1] = c.name
  changes[#changes + 1] = c.value
end
settings_cache = nil
event('settings', changes)
fill()
return reply({ok = true, counts = counts()})
