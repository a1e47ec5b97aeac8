// track.js — a ticket on its holder's phone (/t/{site}/{number}?k=, the ticket's QR code): its
// number, where to go, people ahead and the wait, kept current over the bridge (live.js follows
// the ticket's own address with the link's key, and catches up over HTTP whenever it comes back:
// after a cut, a sleep, a change of network). A call fills the screen, vibrates, chimes and, where
// the person allowed it, raises a notification. The page receives the ticket's public view only:
// no name, ID number or phone.

import { $, site, lang, otherLang, t, parseJson, bilingual, replaceChildren, destination, waitRange, api, errorText, openDialog, closeDialog } from './page.js';
import { connectLive } from './live.js';
import { chime } from './chime.js';
import { fetchCertificate, showCertificate } from './certificate.js';

const body = document.body;
const number = body.dataset.number;
const k = new URLSearchParams(location.search).get('k') || '';
const dialog = $('call');
const STAGES = ['outside', 'hall', 'room', 'desk', 'vaccination', 'booth', 'observation', 'released'];
// Every saying of a call rings again, as the hall says it again.
const VIBRATION = [400, 150, 400, 150, 800];

let view = null;
let viewAt = -Infinity;
let shownCall = null; // the call on screen

// ---- the calls this phone has shown (kept across a reload of the page) ----

const answeredKey = `vaxflow.answered.${site}.${number}`;
const answered = new Set(parseJson(sessionStorage.getItem(answeredKey), []));
function remember(callId) {
  answered.add(callId);
  try { sessionStorage.setItem(answeredKey, JSON.stringify([...answered].slice(-20))); } catch (e) { /* private mode */ }
}

// ---- the ticket ----

function stationName(v, l) {
  if (!v.station) return '';
  return destination({ kind: v.station.id.split('-')[0], id: v.station.id, label: v.station.label }, l);
}

/** Where to go or wait, as the kiosk says it (common.where, the view's where). */
function whereText(v, l) {
  return v.where ? t(`common.where.${v.where}`, { station: stationName(v, l) }, l) : '';
}

function range(w, l) {
  return waitRange({ predictedWaitMin: w && w.min, predictedWaitLowMin: w && w.lo, predictedWaitHighMin: w && w.hi }, l);
}

/** HH:MM:SS of an ISO time, in the site's time (the offset it was written with). */
function clock(iso) {
  const m = /T(\d{2}):(\d{2})(?::(\d{2}))?/.exec(iso || '');
  return m ? `${m[1]}:${m[2]}:${m[3] || '00'}` : '';
}

function render(v) {
  const card = $('ticket');
  card.dataset.stage = v.stage;
  card.dataset.state = v.state;
  card.dataset.where = v.where || '';
  replaceChildren($('where'), bilingual(whereText(v, lang), whereText(v, otherLang)));
  $('facts').hidden = v.state !== 'waiting' || v.stage === 'observation';
  $('ahead').textContent = String(v.peopleAhead ?? 0);
  replaceChildren($('wait'), bilingual(range(v.wait, lang), range(v.wait, otherLang)));
  const last = $('last-call');
  last.hidden = !v.lastCall;
  if (v.lastCall) last.textContent = t('page.calledAt', { time: clock(v.lastCall.at).slice(0, 5) });
  // waiting away from the hall: offered while the view allows it, and the way back while away
  $('away').hidden = v.awayAllowed !== true && v.away !== true;
  $('away-button').textContent = t(v.away ? 'page.away.back' : 'page.away.go');
  $('updated').textContent = t('page.updated', { time: clock(v.at) });
  // over (released, a no-show): nothing more will ring
  $('alerts').hidden = v.stage === 'released' || v.state === 'no-show';
  if (v.stage === 'released') loadCertificate();
}

// ---- the vaccination certificate, once released (certificate.js) ----

let certificate = 'none'; // none | asking | shown | missing
async function loadCertificate() {
  if (certificate !== 'none') return;
  certificate = 'asking';
  const r = await fetchCertificate(site, number, k);
  if (!r.ok) {
    // not yet (a release seen before the server issues it) is asked again with the next view; anything else is final
    const reason = r.json && r.json.error && r.json.error.reason;
    certificate = r.status === 0 || reason === 'notReleased' ? 'none' : 'missing';
    return;
  }
  showCertificate({ qr: $('certificate-qr'), facts: $('certificate-facts') }, r.json);
  $('certificate-open').href = `/t/${encodeURIComponent(site)}/${encodeURIComponent(number)}/certificate?k=${encodeURIComponent(k)}&lang=${lang}`;
  $('certificate').hidden = false;
  certificate = 'shown';
}

/** A view of the ticket (pushed, or fetched): kept unless an older one arrives after a newer. */
function accept(v) {
  if (!v || v.number !== number) return;
  const at = Date.parse(v.at);
  if (Number.isFinite(at)) {
    if (at < viewAt) return;
    viewAt = at;
  }
  view = v;
  render(v);
  if (shownCall && reached(shownCall, v)) closeCall();
  // called (or called back to the hall) while this page was away (cut off, asleep): the call is shown now
  if (v.lastCall && !answered.has(v.lastCall.callId)) showCall(v.lastCall);
}

/** Whether the ticket has got where its call sent it (the call screen can go). */
function reached(call, v) {
  if (v.state === 'no-show') return true;
  const kind = call.to && call.to.kind;
  const target = { room: 'room', desk: 'desk', booth: 'booth' }[kind];
  if (!target) return false; // into the hall, to the exit: the person says OK
  const here = STAGES.indexOf(v.stage);
  const there = STAGES.indexOf(target);
  return here > there || (here === there && (target === 'room' || v.state === 'serving'));
}

// ---- a call ----

function showCall(call) {
  const first = !answered.has(call.callId);
  remember(call.callId);
  shownCall = call;
  dialog.dataset.callId = call.callId;
  dialog.dataset.to = (call.to && call.to.kind) || '';
  $('call-text').textContent = (call.text && call.text[lang]) || whereText(view || {}, lang);
  $('call-text-2').textContent = (call.text && call.text[otherLang]) || '';
  $('call-repeat').textContent = call.repeat && call.of ? t('page.callRepeat', { repeat: call.repeat, of: call.of }) : '';
  $('announcer').textContent = $('call-text').textContent;
  if (!dialog.open) openDialog(dialog);
  ring();
  if (first) notify(call);
}

function closeCall() {
  shownCall = null;
  closeDialog(dialog);
}

$('call-ok').addEventListener('click', closeCall);
dialog.addEventListener('cancel', () => { shownCall = null; });

let audio = null;
/** Sound may start only after the person touched the page (or where the browser allows it anyway). */
function unlockAudio() {
  const AC = window.AudioContext || window.webkitAudioContext;
  if (!AC) return;
  if (!audio) {
    try { audio = new AC(); } catch (e) { return; }
  }
  if (audio.state === 'suspended') audio.resume().catch(() => {});
}
document.addEventListener('pointerdown', unlockAudio, { passive: true });
document.addEventListener('keydown', unlockAudio);

function ring() {
  try {
    if (navigator.vibrate) navigator.vibrate(VIBRATION);
  } catch (e) { /* not allowed yet */ }
  if (audio && audio.state === 'running') chime(audio);
}

// ---- notifications (while the page is open; no service worker) ----

function notifyState() {
  const button = $('notify');
  const state = $('notify-state');
  if (!('Notification' in window)) {
    button.hidden = true;
    state.textContent = t('page.notifyUnsupported');
    return;
  }
  const p = window.Notification.permission;
  button.hidden = p !== 'default';
  state.textContent = p === 'granted' ? t('page.notifyOn') : p === 'denied' ? t('page.notifyBlocked') : '';
}

$('notify').addEventListener('click', () => {
  unlockAudio();
  Promise.resolve(window.Notification.requestPermission()).catch(() => {}).then(notifyState);
});

function notify(call) {
  if (!('Notification' in window) || window.Notification.permission !== 'granted') return;
  try {
    // tag: every saying of one call is one notification
    const n = new window.Notification(`${number} · ${t('page.callTitle')}`, {
      body: (call.text && call.text[lang]) || '', tag: call.callId, lang: document.documentElement.lang,
    });
    n.onclick = () => { window.focus(); n.close(); };
  } catch (e) {
    // a browser that only notifies through a service worker (Android): the page still rings and vibrates
  }
}

// ---- waiting away (offered when the view allows it) ----

$('away-button').addEventListener('click', async () => {
  const what = view && view.away ? 'back' : 'away';
  const path = `/api/v1/sites/${encodeURIComponent(site)}/tickets/${encodeURIComponent(number)}/${what}?k=${encodeURIComponent(k)}`;
  const error = $('away-error');
  const r = await api('POST', path);
  error.hidden = r.ok;
  if (r.ok) accept(r.data);
  else error.textContent = errorText(r.error, { number });
});

// ---- live ----

function onConnection(state) {
  $('connection').dataset.state = state;
  $('connection-text').textContent = t(`page.connection.${state}`);
}

function onTicket(message) {
  if (!message) return;
  if (message.type === 'view') accept(message.view);
  else if (message.type === 'call' && message.call && message.call.number === number) showCall(message.call);
}

/** The link opens nothing anymore (the ticket is no longer kept): the page says the ticket is over. */
function onTicketGone() {
  body.dataset.gone = 'true';
  $('facts').hidden = true;
  replaceChildren($('where'), bilingual(t('page.ended'), t('page.ended', null, otherLang)));
}

accept(parseJson(body.dataset.view, null));
notifyState();
unlockAudio();
connectLive({ site, calls: false, state: false, ticket: { number, k }, quietMs: 15000, onTicket, onTicketGone, onConnection });
