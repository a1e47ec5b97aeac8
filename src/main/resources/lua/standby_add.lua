-- standby_add.lua: a person joins the site's standby list, to be invited to a dose left over at the end of a day
-- (standby.lua). Nearest first, then the oldest: A.rank orders the list. Their name and phone come sealed and are
-- gone with the day (A.expireAt: its end and privacy.retainHours), or once they are invited (the invitation keeps
-- them, erased as a booking's). One phone is on a site's list once: a second registration replaces the first.
-- A.id        the registration's id (the phone's key: PersonKey)
-- A.name, A.phone   sealed (security/PersonalData)
-- A.community the community they gave;  A.dose  the dose they need;  A.rank  their place (lib/doses.lua)
-- A.expireAt  ms when the registration is erased
-- Returns {ok, position (1: first to be invited), waiting}.
-- include: site, stats
if not site_ready() then return fail('STORE_RESET') end
local key = P .. 'standby:' .. A.id
redis.call('HSET', key, 'name', A.name, 'phone', A.phone, 'community', A.community, 'dose', A.dose, 'at', NOW)
redis.call('PEXPIRE', key, math.max(1, A.expireAt - NOW)) -- relative: the server's clock may not be Redis's
redis.call('ZADD', P .. 'standby', A.rank, A.id)
redis.call('EXPIRE', P .. 'standby', KEEP)
append('standby_joined', {'dose', A.dose})
return reply({ok = true, position = redis.call('ZRANK', P .. 'standby', A.id) + 1, waiting = redis.call('ZCARD', P .. 'standby')})
