-- lib/devices.lua: a site's enrolled devices: its kiosks, hall displays and staff tablets (gateway/Devices).
--   P..'device:'..hash            hash: one device (id, role, name, enrolledAt, enrolledBy, lastSeen), under the
--                                 SHA-256 of its credential's secret part (the credential itself is never stored)
--   P..'devices'                  hash: device id -> the hash its record is under: the site's devices
--   P..'enrol:'..hash             hash, for minutes: a one-time code (role, name, by, expiresAt), under its SHA-256
--   P..'device_sessions:'..id     set: tokens of the staff sessions opened on a tablet (closed when it is revoked)

-- How often a device's lastSeen is written, at most.
local SEEN_EVERY_MS = 60000

-- The device whose credential has this hash, if it is enrolled for that role (nil: any role), its lastSeen
-- brought up to now (written at most once a minute). Returns its fields, or nil and the code to refuse with.
local function enrolled_device(hash, role)
  local key = P .. 'device:' .. hash
  local d = hgetall(key)
  if not d.id then return nil, 'DEVICE_REVOKED' end
  if role and d.role ~= role then return nil, 'DEVICE_REQUIRED' end
  if NOW - tonumber(d.lastSeen or '0') >= SEEN_EVERY_MS then
    redis.call('HSET', key, 'lastSeen', NOW)
    d.lastSeen = tostring(NOW)
  end
  return d
end

-- Withdraws a device: its record, its place in the list; returns the staff sessions opened on it (to be closed).
local function forget_device(id, hash)
  redis.call('DEL', P .. 'device:' .. hash)
  redis.call('HDEL', P .. 'devices', id)
  local sessions = redis.call('SMEMBERS', P .. 'device_sessions:' .. id)
  redis.call('DEL', P .. 'device_sessions:' .. id)
  return sessions
end
