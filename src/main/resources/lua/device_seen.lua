-- device_seen.lua: a device shows itself (a tablet signs in on it, a hall display connects, one of its pages
-- opens): whether it is still enrolled, and for that role; its lastSeen brought up to now.
-- A.device  the hash of its credential's secret
-- A.role    'kiosk' | 'hall' | 'tablet', or '' for any
-- Returns {ok, device = {id, role, name, enrolledAt, enrolledBy, lastSeen}} or {err = DEVICE_REVOKED | DEVICE_REQUIRED}.
-- include: devices
local d, refused = enrolled_device(A.device, A.role ~= '' and A.role or nil)
if refused then return fail(refused) end
return reply({ok = true, device = d})
