-- lib/observe.lua: the observation area: who is in it, until when, and what staff recorded there.
-- Ticket fields (P..'t:'..D..':'..num): observeFrom, observeUntil (ms: from the booth's done to the
-- release), risk ('high': a booking with an anaphylaxis history), extended ('1': staff extended it
-- to the high-risk length), reactions (JSON list of {symptoms, severity, at, by, recordedAt}),
-- heldSince (ms of a severe reaction not cleared yet: no 'observe' timer runs meanwhile).
local HELD = P .. 'observe:held'
local REACTIONS_MAX = 20

local function observe_member(t) return 'observe|' .. t.day .. '|' .. t.number end
local function held_member(t) return t.day .. '|' .. t.number end

-- The ticket of that number if it is in observation; else nil and the rejection to return.
local function in_observation(num)
  local t = type(num) == 'string' and load_ticket(num) or nil
  if not t then return nil, fail('UNKNOWN_TICKET') end
  if t.stage ~= 'observation' then return nil, fail('NOT_IN_OBSERVATION', {stage = t.stage, number = t.number}) end
  return t
end

-- When the observation began (a ticket sent there before observeFrom was kept: its end less the standard).
local function observe_from(t)
  return tonumber(t.observeFrom or '') or (tonumber(t.observeUntil or '0') - setting('observationSec') * 1000)
end

local function person_view(t)
  local until_ms = tonumber(t.observeUntil or '0')
  return {number = t.number, day = t.day, category = t.category, risk = t.risk or 'standard',
          from = observe_from(t), ['until'] = until_ms, secondsLeft = math.max(0, math.ceil((until_ms - NOW) / 1000)),
          extended = t.extended == '1', heldSince = tonumber(t.heldSince or '0'),
          reactions = t.reactions and cjson.decode(t.reactions) or {}}
end
