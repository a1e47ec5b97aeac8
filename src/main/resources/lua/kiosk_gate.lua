-- kiosk_gate.lua: before the appointment registry is asked about a voucher: the kiosk must still be an enrolled
-- kiosk of the site, then it takes a token of each bucket (its own, the site's), or of none.
-- KEYS[1] the site's prefix; KEYS[2..] the buckets (rl:{site}:kiosk:<kiosk>, rl:{site}:site: the site's slot)
-- A.device   the kiosk's credential hash ('' for the demo's local computer)
-- A.buckets  [{rate, burst}], one per bucket key
-- Returns {ok} or {err = DEVICE_REVOKED | DEVICE_REQUIRED | RATE_LIMITED (retryAfterMs)}.
-- include: tokens, devices
if A.device ~= '' then
  local _, refused = enrolled_device(A.device, 'kiosk')
  if refused then return fail(refused) end
end
local wait = take_tokens(buckets_of(2, A.buckets))
if wait > 0 then return fail('RATE_LIMITED', {retryAfterMs = wait}) end
return reply({ok = true})
