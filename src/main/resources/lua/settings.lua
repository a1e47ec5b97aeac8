-- settings.lua: a manager changes the site's capacities; the buffers refill at once.
-- ARGV[4..] name, value pairs (hallCapacity, roomCapacity)
-- include: site, stats
if not site_ready() then return fail('STORE_RESET') end
local changes = {}
for i = 4, #ARGV, 2 do
  redis.call('HSET', P .. 'settings', ARGV[i], ARGV[i + 1])
  changes[#changes + 1] = ARGV[i]
  changes[#changes + 1] = ARGV[i + 1]
end
settings_cache = nil
event('settings', changes)
fill()
return reply({ok = true, counts = counts()})
