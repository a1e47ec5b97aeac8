-- enrol.lua: a device redeems its one-time code: the code is used up, and the device is enrolled under the hash
-- of its new credential with the code's role and name. An id enrolled already (the demo's 'demo-kiosk', enrolled
-- again) is replaced: its old credential stops working, and the sessions opened on it are handed back to be closed.
-- A.code    the SHA-256 of the code typed or scanned
-- A.device  the hash of the new credential's secret
-- A.id      the device's id
-- Returns {ok, device = {id, role, name, enrolledAt, enrolledBy, lastSeen}, replaced = {device, sessions}?} or
-- {err = ENROL_CODE_INVALID} (no such code, used already, or expired).
-- include: devices
-- (a code's key expires with it: its time is Redis' own, whatever clock a server or the enrol command runs on)
local code_key = P .. 'enrol:' .. A.code
local c = hgetall(code_key)
if not c.role then return fail('ENROL_CODE_INVALID') end
redis.call('DEL', code_key)
local replaced
local before = redis.call('HGET', P .. 'devices', A.id)
if before then replaced = {device = before, sessions = forget_device(A.id, before)} end
local d = {id = A.id, role = c.role, name = c.name, enrolledAt = tostring(NOW), enrolledBy = c.by, lastSeen = tostring(NOW)}
redis.call('HSET', P .. 'device:' .. A.device, 'id', d.id, 'role', d.role, 'name', d.name, 'enrolledAt', d.enrolledAt,
           'enrolledBy', d.enrolledBy, 'lastSeen', d.lastSeen)
redis.call('HSET', P .. 'devices', A.id, A.device)
return reply({ok = true, device = d, replaced = replaced})
