-- enrol_code.lua: a one-time code that enrols one device of the site for a role: made by a manager on the
-- dashboard, by the operator's `enrol` command, or by the demo for the local browser. ACTOR (ARGV[3]) made it:
-- the device's enrolledBy. Only the code's hash is kept, for ttlMs.
-- A.code   the SHA-256 of the code
-- A.role   'kiosk' | 'hall' | 'tablet'
-- A.name   what the device is called on the dashboard
-- A.ttlMs  how long the code may be used
-- Returns {ok, expiresAt (ms)} or {err = INVALID_INPUT} (the same code made twice: never in practice).
-- include: (core only)
local key = P .. 'enrol:' .. A.code
if redis.call('EXISTS', key) == 1 then return fail('INVALID_INPUT', {field = 'code'}) end
local expires = NOW + A.ttlMs
redis.call('HSET', key, 'role', A.role, 'name', A.name, 'by', ACTOR, 'expiresAt', expires)
redis.call('PEXPIRE', key, A.ttlMs)
return reply({ok = true, expiresAt = expires})
