-- lib/core.lua: what every script starts with (prepended when a script is loaded; a script names
-- the other includes it needs in its header: "-- include: site" or "-- include: tokens").
--
-- Calling convention of every script:
--   KEYS[1] = 'vf:{site}'   the site's key prefix (site scripts); the {site} hash tag puts all its keys in one slot
--   ARGV[1] = now           server clock, epoch milliseconds
--   ARGV[2] = day           the site's local date, yyyy-mm-dd
--   ARGV[3] = actor         staff id, 'kiosk', 'public', 'gateway' or 'system'
--   ARGV[4] = args          the script's own arguments: ONE JSON object, read as A.<name>; its
--                           fields are named at the script's top and typed in store/ScriptArgs.java
--   ARGV[5] = session       (a staff member's action only) the token of the session it came with
-- Every script returns one JSON string: {ok = ...} or {err = 'CODE', ...details}.

local P = KEYS[1] .. ':'
local NOW = tonumber(ARGV[1])
local DAY = ARGV[2]
local ACTOR = ARGV[3]
local A = cjson.decode(ARGV[4] or '{}')

local function reply(t) return cjson.encode(t) end
local function fail(code, details)
  local t = details or {}
  t.err = code
  return cjson.encode(t)
end

-- A staff member's action carries their session's token. Servers remember sessions for a few
-- seconds; a logout marks its token closed in every site's slot first (gateway/Sessions.close), so a
-- closed session acts on nothing, on any server, from the moment the logout has answered.
if ARGV[5] and redis.call('EXISTS', P .. 'closed:' .. ARGV[5]) == 1 then
  return fail('UNAUTHENTICATED')
end

local function hgetall(key)
  local flat = redis.call('HGETALL', key)
  local t = {}
  for i = 1, #flat, 2 do t[flat[i]] = flat[i + 1] end
  return t
end
