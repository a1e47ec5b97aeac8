// hall.js — the wall display: the calls being made now (large, with which saying it is), the
// latest calls (as many as fit, each readable from the back of the hall), people waiting per stage
// and the predicted wait. Each call message is shown, chimed, spoken (zh-CN then en) and
// acknowledged. It never shows names or ID numbers: calls carry only ticket numbers and destinations.

import { site, lang, otherLang, t, el, bilingual, destination, hhmm, compareEventIds, clockText, waitRange, randomKey } from './page.js';
import { connectLive } from './live.js';
import { chime as tones } from './chime.js';

const body = document.body;
const INTERVAL_MS = (Number(body.dataset.intervalSec) || 8) * 1000;
const CURRENT_MAX = 4;
const RECENT_MAX = 10;
// A call stays "now calling" this long after its latest saying.
const CURRENT_HOLD_MS = INTERVAL_MS * 2 + 20000;
const STAGES = ['outside', 'away', 'hall', 'room', 'desk', 'vaccination', 'booth', 'observation'];

const currentList = document.getElementById('current-calls');
const noCurrent = document.getElementById('no-current');
const recentList = document.getElementById('recent-calls');
const noRecent = document.getElementById('no-recent');
const connectionBox = document.getElementById('connection');
const connectionText = document.getElementById('connection-text');
const announcer = document.getElementById('call-announcer');
const clock = document.getElementById('clock');
const soundToggle = document.getElementById('sound-toggle');

const current = new Map(); // callId -> { call, shownAt }
const recent = new Map();  // callId -> call (its latest saying)
// Cut off, the display cannot know whether a call was answered: "now calling" stays as it was.
let cutOff = true;
// Desks and booths still waiting for the person they called (from the latest state): station -> number.
let waitingAt = new Map();

// The display's own record of what it said: one <li data-call-id data-event-id data-number
// data-to data-repeat data-replayed> per saying shown (a live repetition, or a missed call shown
// after a reconnect), oldest first, the last SAID_MAX kept. Hidden; nothing reads it but people
// and browser tests checking how often a call was said (SPEC "Live messages").
const SAID_MAX = 200;
const saidLog = document.getElementById('said') || document.body.appendChild(el('ol', { id: 'said', hidden: true, 'aria-hidden': 'true' }));

function logSaying(call, replayed) {
  saidLog.appendChild(el('li', {
    'data-call-id': call.callId, 'data-event-id': call.eventId || call.callId, 'data-number': call.number,
    'data-to': call.to ? call.to.kind : '', 'data-repeat': call.repeat || 1, 'data-replayed': replayed ? 'true' : 'false',
  }));
  while (saidLog.childElementCount > SAID_MAX) saidLog.firstElementChild.remove();
}

function displayId() {
  const key = `vaxflow.displayId.${site}`;
  let id = null;
  try { id = localStorage.getItem(key); } catch (e) { /* private mode */ }
  if (!id) {
    id = `hall-${randomKey().slice(0, 12)}`;
    try { localStorage.setItem(key, id); } catch (e) { /* keep it for this page only */ }
  }
  return id;
}

// ---- rendering ----

function destinationBlock(to, cls) {
  return el('span', { class: cls }, bilingual(destination(to, lang), destination(to, otherLang)));
}

function callItem(entry, newest) {
  const c = entry.call;
  const repeat = c.repeat || 1;
  const of = c.of || repeat;
  return el('li', {
    class: `call call-${c.to && c.to.kind || 'other'}${newest ? ' call-newest' : ''}${entry.speaking ? ' speaking' : ''}`,
    'data-event-id': c.eventId || c.callId, 'data-call-id': c.callId, 'data-repeat': repeat, 'data-of': of,
    'data-number': c.number,
  },
  el('span', { class: 'call-number' }, c.number),
  el('span', { class: 'call-arrow', 'aria-hidden': 'true' }, '\u2192'),
  destinationBlock(c.to, 'call-to'),
  el('span', { class: 'call-repeat', title: t('page.repeat', { repeat, of }) },
    el('span', { class: 'sr-only' }, t('page.repeat', { repeat, of })),
    el('span', { 'aria-hidden': 'true' }, `${repeat}/${of}`)));
}

/**
 * Drops the last rows of a list while they do not fit whole in its box: the numbers are sized to be
 * read from the back of the hall, and a row cut in half would be read wrong.
 */
function fit(list) {
  const box = list.getBoundingClientRect();
  const bottom = box.top + list.clientTop + list.clientHeight + 0.5;
  while (list.childElementCount > 1 && list.lastElementChild.getBoundingClientRect().bottom > bottom) {
    list.lastElementChild.remove();
  }
}

function renderCurrent() {
  const entries = [...current.values()].sort((a, b) => compareEventIds(b.call.eventId || b.call.callId, a.call.eventId || a.call.callId));
  currentList.textContent = '';
  entries.forEach((e, i) => currentList.appendChild(callItem(e, i === 0)));
  noCurrent.hidden = entries.length > 0;
  fit(currentList);
  currentList.dataset.count = String(currentList.childElementCount);
}

function renderRecent() {
  const calls = [...recent.values()].sort((a, b) => compareEventIds(b.eventId || b.callId, a.eventId || a.callId)).slice(0, RECENT_MAX);
  recentList.textContent = '';
  for (const c of calls) {
    recentList.appendChild(el('li', { 'data-event-id': c.eventId || c.callId, 'data-number': c.number },
      el('span', { class: 'recent-number' }, c.number),
      destinationBlock(c.to, 'recent-to'),
      el('time', { class: 'recent-time', datetime: c.at }, hhmm(c.at))));
  }
  noRecent.hidden = calls.length > 0;
  fit(recentList);
}

function trimRecent() {
  if (recent.size <= RECENT_MAX * 3) return;
  const keep = [...recent.values()].sort((a, b) => compareEventIds(b.eventId || b.callId, a.eventId || a.callId)).slice(0, RECENT_MAX);
  recent.clear();
  keep.forEach((c) => recent.set(c.callId, c));
}

function expireCurrent() {
  const now = Date.now();
  let changed = false;
  for (const [id, e] of current) {
    const stillCalled = e.call.to && waitingAt.get(e.call.to.id) === e.call.number;
    if (now - e.shownAt > CURRENT_HOLD_MS && !e.speaking && !cutOff && !stillCalled) {
      current.delete(id);
      changed = true;
    }
  }
  while (current.size > CURRENT_MAX) {
    const oldest = [...current.values()].sort((a, b) => compareEventIds(a.call.eventId || a.call.callId, b.call.eventId || b.call.callId))[0];
    current.delete(oldest.call.callId);
    changed = true;
  }
  if (changed) renderCurrent();
}

// ---- live messages ----

function onHistory(calls) {
  const now = live.serverNow();
  for (const c of calls) {
    recent.set(c.callId, c);
    const age = now - Date.parse(c.at);
    if (Number.isFinite(age) && age >= 0 && age < CURRENT_HOLD_MS) {
      // The feed lists each call once; by its age it is probably on a later saying by now.
      const repeat = Math.min(c.of || 1, 1 + Math.floor(age / INTERVAL_MS));
      current.set(c.callId, { call: { ...c, repeat }, shownAt: Date.now() - (age - (repeat - 1) * INTERVAL_MS) });
    }
  }
  trimRecent();
  expireCurrent();
  renderCurrent();
  renderRecent();
}

function onCall(call, { replayed }) {
  recent.set(call.callId, call);
  trimRecent();
  // A replayed call whose last saying is long past is history, not "now calling", and is not said again.
  const sinceLastSaying = live.serverNow() - Date.parse(call.at) - ((call.of || 1) - 1) * INTERVAL_MS;
  const stale = replayed && Number.isFinite(sinceLastSaying) && sinceLastSaying > CURRENT_HOLD_MS;
  if (!stale) {
    const entry = current.get(call.callId) || { call, shownAt: 0 };
    entry.call = call;
    entry.shownAt = Date.now();
    current.set(call.callId, entry);
    expireCurrent();
    renderCurrent();
    announcer.textContent = call.text && call.text[lang] ? call.text[lang] : `${call.number} ${destination(call.to, lang)}`;
    sound.enqueue(call);
    logSaying(call, replayed);
  }
  renderRecent();
  live.ack(call);
}

function onState(state) {
  waitingAt = new Map((state.stations || []).filter((st) => st.state === 'called' && st.ticket).map((st) => [st.id, st.ticket]));
  const byStage = {};
  for (const s of state.stages || []) byStage[s.stage] = s;
  for (const key of STAGES) {
    const node = document.querySelector(`#stage-counts [data-stage="${key}"]`);
    if (!node) continue;
    const s = byStage[key];
    node.textContent = s ? String(s.count) : '-';
    const cap = document.querySelector(`#stage-counts [data-capacity-for="${key}"]`);
    if (cap) cap.textContent = s && s.capacity ? t('page.capacity', { n: s.capacity }) : '';
    const tile = node.closest('.stage-tile');
    // Only the buffers (hall, room) fill up; desks and booths "capacity" is how many there are.
    if (tile) tile.classList.toggle('stage-full', !!(cap && s && s.capacity && s.count >= s.capacity));
  }
  // everyone still waiting, each once (the stages above are disjoint too)
  document.getElementById('waiting-total').textContent = String(state.waiting ?? '-');
  const wait = document.getElementById('predicted-wait');
  wait.textContent = '';
  wait.appendChild(bilingual(waitRange(state, lang), waitRange(state, otherLang)));
  // The state carries the server's time: show it now, not at the next tick (the browser's own clock may be off).
  renderClock();
}

function onConnection(state) {
  cutOff = state === 'offline' || state === 'reconnecting';
  connectionBox.dataset.state = state;
  connectionText.textContent = t(`page.connection.${state}`);
}

// ---- sound: a chime, then the call said in Chinese and in English ----
//
// Each call is chimed, then its speech (the number spelled for a voice: "A, zero two seven — …",
// "A 零二七 号，…") said with a Chinese voice, then an English one; where the browser has no voice
// for a language, that language is left out, and with none the chime alone says a call came.
// Browsers play sound only after a user gesture, unless started to allow it (kiosk mode:
// --autoplay-policy=no-user-gesture-required, see the README); the hall tries at once, after a
// reload too, and shows "Turn sound on" only when the browser refused. Whether it can be heard
// ('on', 'off': refused, 'no-voice': chime only) is on <body data-sound> and goes to the server
// with the display's hello and acks, so the dashboard sees a muted display.

const sound = (() => {
  const queue = [];
  let playing = false;
  let ctx = null;
  let voices = [];
  let refused = false;   // the browser would not play sound without a gesture
  let reported = null;
  let onChange = () => {};
  // How long a start is given before it counts as refused (a browser that refuses never answers).
  const START_WAIT_MS = 1000;

  function audio() {
    const AC = window.AudioContext || window.webkitAudioContext;
    if (!AC) return null;
    if (!ctx) {
      try {
        ctx = new AC();
        ctx.onstatechange = changed;
      } catch (e) {
        return null;
      }
    }
    return ctx;
  }

  /** Starts the audio if it is not running; resolves whether it runs within START_WAIT_MS. */
  function start() {
    const a = audio();
    if (!a) return Promise.resolve(false);
    if (a.state === 'running') return Promise.resolve(true);
    // refused, and nobody has touched the page since: asking again would only be refused again
    if (refused && navigator.userActivation && !navigator.userActivation.hasBeenActive) return Promise.resolve(false);
    return Promise.race([a.resume().then(() => a.state === 'running', () => false), sleep(START_WAIT_MS).then(() => false)])
      .then((running) => {
        if (running) refused = false;
        else if (a.state !== 'running') refused = true;
        changed();
        return running;
      });
  }

  function loadVoices() {
    if ('speechSynthesis' in window) voices = window.speechSynthesis.getVoices() || [];
    changed();
  }

  function voiceFor(tag) {
    const base = tag.split('-')[0];
    return voices.find((v) => v.lang === tag)
      || voices.find((v) => (v.lang || '').replace('_', '-').toLowerCase().startsWith(base)) || null;
  }

  function canSpeak() {
    return 'speechSynthesis' in window && typeof window.SpeechSynthesisUtterance === 'function';
  }

  /** 'on' | 'off' | 'no-voice', as the display can be heard now. */
  function state() {
    if (refused || !ctx || ctx.state !== 'running') return 'off';
    if (!canSpeak() || !voiceFor('zh-CN') || !voiceFor('en-GB')) return 'no-voice';
    return 'on';
  }

  function changed() {
    const s = state();
    soundToggle.hidden = !refused;
    if (s === reported) return;
    reported = s;
    document.body.dataset.sound = s;
    onChange(s);
  }

  function sleep(ms) {
    return new Promise((r) => setTimeout(r, ms));
  }

  /** Two soft tones, "ding-dong". */
  async function chime() {
    if (!(await start())) return sleep(300);
    return sleep(tones(ctx));
  }

  /** Says the text with a voice of the language; nothing where there is none. */
  function say(text, tag) {
    const voice = voiceFor(tag);
    if (!text || !canSpeak() || !voice || refused) return Promise.resolve();
    return new Promise((resolve) => {
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        resolve();
      };
      const u = new window.SpeechSynthesisUtterance(text);
      u.lang = tag;
      u.voice = voice;
      u.rate = 0.9;
      u.onend = finish;
      u.onerror = (e) => {
        if (e && e.error === 'not-allowed') {
          refused = true;
          changed();
        }
        finish();
      };
      // Some systems never end an utterance they cannot say; do not let the queue stall.
      const timer = setTimeout(finish, 2500 + text.length * 220);
      try {
        window.speechSynthesis.speak(u);
      } catch (e) {
        finish();
      }
    });
  }

  function mark(callId, speaking) {
    const e = current.get(callId);
    if (e) {
      e.speaking = speaking;
      if (!speaking) e.shownAt = Math.max(e.shownAt, Date.now());
    }
    const node = currentList.querySelector(`.call[data-call-id="${CSS.escape(callId)}"]`);
    if (node) node.classList.toggle('speaking', speaking);
  }

  async function pump() {
    if (playing) return;
    playing = true;
    while (queue.length) {
      const c = queue.shift();
      const words = c.speech || c.text || {};
      mark(c.callId, true);
      await chime();
      await say(words.zh, 'zh-CN');
      await say(words.en, 'en-GB');
      mark(c.callId, false);
      await sleep(500);
    }
    playing = false;
  }

  function enqueue(call) {
    // A later saying of a call still waiting its turn replaces it: never the same call twice in a row.
    const i = queue.findIndex((q) => q.callId === call.callId);
    if (i >= 0) queue[i] = call;
    else queue.push(call);
    if (queue.length > 12) queue.splice(0, queue.length - 12);
    pump();
  }

  soundToggle.addEventListener('click', () => {
    refused = false;
    if (canSpeak()) {
      // Speaking once from a user gesture unlocks speech on browsers that require it.
      try { window.speechSynthesis.speak(new window.SpeechSynthesisUtterance(' ')); } catch (e) { /* ignore */ }
    }
    start();
  });

  loadVoices();
  if ('speechSynthesis' in window && 'onvoiceschanged' in window.speechSynthesis) {
    window.speechSynthesis.onvoiceschanged = loadVoices;
  }
  // At once, after a reload too: a browser that allows autoplay plays; one that refuses gets the button.
  start();

  return {
    enqueue,
    state,
    /** {@code listener(state)} whenever the display's sound changes. */
    onChange(listener) { onChange = listener; },
  };
})();

// ---- clock ----

function renderClock() {
  clock.textContent = clockText(live.serverNow());
  clock.setAttribute('datetime', new Date(live.serverNow()).toISOString());
}

function tick() {
  renderClock();
  expireCurrent();
}

const live = connectLive({ site, calls: true, state: true, onHistory, onCall, onState, onConnection, displayId: displayId(),
  sound: sound.state });
sound.onChange(() => live.hello());
renderCurrent();
renderRecent();
tick();
setInterval(tick, 1000);
// what fits depends on the screen and on the font, which may load after the first rendering
const refit = () => { renderCurrent(); renderRecent(); };
window.addEventListener('resize', refit);
if (document.fonts) document.fonts.ready.then(refit);
