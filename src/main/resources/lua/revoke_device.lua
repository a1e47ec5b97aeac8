-- revoke_device.lua: a manager withdraws a device's enrolment: its credential stops working at once (every script
-- that acts for a device reads its record), and the staff sessions opened on it are handed back to be closed.
-- A.id  the device's id
-- Returns {ok, device = hash, sessions = [token]} or {err = NOT_FOUND (field device)}.
-- include: devices
local hash = redis.call('HGET', P .. 'devices', A.id)
if not hash then return fail('NOT_FOUND', {field = 'device'}) end
return reply({ok = true, device = hash, sessions = forget_device(A.id, hash)})
