// staff.js — the staff tablet: sign in, pick a station (door, desk N, booth N) allowed by one's
// roles, and work it. Everything shown is restored from the server on load and on reconnect:
// the chosen station is remembered in localStorage, its state and ticket come from the API.

import { $, site, lang, t, el, api, errorText, destination, hhmm, compareEventIds, replaceChildren, openDialog, closeDialog } from './page.js';
import { staffSession, sessionGone } from './staffpage.js';
import { connectLive } from './live.js';

const HEARTBEAT_MS = 30000;
const MY_CALLS_MAX = 6;
const stationKey = `vaxflow.staff.${site}.station`;
const lastAdmittedKey = `vaxflow.staff.${site}.lastAdmitted`;
const base = `/api/v1/sites/${encodeURIComponent(site)}`;

const views = { loading: $('staff-loading'), login: $('login-view'), select: $('select-view'), station: $('station-view') };
const actionButtons = [...document.querySelectorAll('#actions button[data-action]')];

let stationId = null;      // the station being worked
let station = null;        // its JSON {id, kind, label, state, staffId, ticket}
let ticket = null;         // its ticket's JSON when known
let patient = null;        // {name, dose, category} from the station detail route
let siteState = null;      // the latest GET /state
let stationList = [];      // every station of the site, from /stations or /state
let live = null;
let heartbeatTimer = null;
let busy = false;
let refreshTimer = null;
let vial = null;           // the booth's open vial from GET /stock, with the moment its countdown was read
let lots = [];             // the site's lots (the vial dialog's choice)
let vialTimer = null;
const calls = new Map();   // callId -> call: the site's calls today (the latest few hundred)
const CALLS_KEPT = 300;

// ---- feedback ----

function feedback(kind, text) {
  const box = $('feedback');
  box.dataset.kind = kind;
  box.textContent = '';
  if (!text) return;
  box.appendChild(el('span', { class: 'feedback-icon', 'aria-hidden': 'true' }, kind === 'error' ? '!' : kind === 'info' ? 'i' : '\u2713'));
  box.appendChild(el('span', null, text));
}

// ---- sign in and out ----

// what this staff member may do here (the stations they may work) comes from the server: staffpage.js
const session = staffSession({ views, signedIn: afterSignIn, signedOut: clearStation });
const signedOut = (error) => session.signOut(error);

function clearStation() {
  stationId = null;
  clearUndo();
  station = null;
  ticket = null;
  patient = null;
  stopHeartbeat();
  stopVialTimer();
  if (live) {
    // The bridge authorised this socket for staff messages: a signed-out tablet drops it.
    live.close();
    live = null;
  }
  try { localStorage.removeItem(stationKey); } catch (e) { /* ignore */ }
}

function mayWork(kind) {
  const here = session.here();
  return !!here && (here.stations || []).includes(kind);
}

async function afterSignIn() {
  if (!session.here()) {
    session.show('select');
    $('station-select').textContent = '';
    showSelectMessage(t('page.notAtSite'));
    return;
  }
  let saved = null;
  try { saved = localStorage.getItem(stationKey); } catch (e) { /* ignore */ }
  await loadStations();
  if (saved && stationList.some((s) => s.id === saved) && mayWork(saved.split('-')[0])) enterStation(saved);
  else showSelect();
}

// ---- choosing a station ----

async function loadStations() {
  const r = await api('GET', `${base}/stations`);
  if (r.ok && Array.isArray(r.data)) {
    stationList = r.data;
    return;
  }
  if (sessionGone(r)) return signedOut(r.error);
  // The list of stations is also in the public snapshot (without who holds them).
  const s = await api('GET', `${base}/state`);
  if (s.ok && s.data) {
    siteState = s.data;
    stationList = s.data.stations || [];
  }
}

function showSelectMessage(text) {
  const m = $('select-message');
  m.hidden = !text;
  m.textContent = text || '';
}

function showSelect() {
  stopHeartbeat();
  stationId = null;
  session.show('select');
  const box = $('station-select');
  box.textContent = '';
  const kinds = ['door', 'desk', 'booth'].filter(mayWork);
  let count = 0;
  for (const kind of kinds) {
    const stations = stationList.filter((s) => s.kind === kind);
    if (!stations.length) continue;
    const group = el('section', { class: 'station-group', 'aria-labelledby': `group-${kind}` },
      el('h2', { id: `group-${kind}`, class: 'station-group-title' }, t(`page.kinds.${kind}`)));
    const row = el('div', { class: 'station-buttons' });
    for (const s of stations) {
      count += 1;
      const active = s.state === 'called' || s.state === 'serving';
      const held = active && s.staffId && session.me && s.staffId !== session.me.id ? t('page.heldBy', { staff: s.staffId }) : '';
      row.appendChild(el('button', { type: 'button', class: 'btn station-button', 'data-station': s.id, 'data-state': s.state },
        el('span', { class: 'station-button-label' }, s.label ? s.label[lang] || s.id : s.id),
        el('span', { class: 'state-badge', 'data-state': s.state }, t(`page.stationStates.${s.state}`)),
        s.ticket ? el('span', { class: 'station-button-ticket' }, s.ticket) : null,
        held ? el('span', { class: 'station-button-held' }, held) : null));
    }
    group.appendChild(row);
    box.appendChild(group);
  }
  showSelectMessage(count ? '' : t('page.noStations'));
  const first = box.querySelector('button');
  if (first) first.focus();
}

$('station-select').addEventListener('click', (e) => {
  const b = e.target.closest('button[data-station]');
  if (b) enterStation(b.dataset.station);
});

$('change-station').addEventListener('click', async () => {
  try { localStorage.removeItem(stationKey); } catch (e) { /* ignore */ }
  await loadStations();
  showSelect();
});

// ---- working a station ----

function kindOf(id) {
  return String(id || '').split('-')[0];
}

function enterStation(id) {
  if (id !== stationId) clearUndo();
  stationId = id;
  try { localStorage.setItem(stationKey, id); } catch (e) { /* ignore */ }
  station = stationList.find((s) => s.id === id) || { id, kind: kindOf(id), state: '' };
  ticket = null;
  patient = null;
  const door = kindOf(id) === 'door';
  document.body.dataset.stationKind = kindOf(id);
  $('door-scan-form').hidden = !door;
  $('vial-card').hidden = kindOf(id) !== 'booth';
  vial = null;
  renderVial();
  if (kindOf(id) === 'booth') loadVial();
  for (const b of actionButtons) {
    const a = b.dataset.action;
    // the door only calls the next batch into the room
    b.hidden = door && a !== 'next';
    if (a === 'next') b.textContent = t(door ? 'page.actions.batch' : 'page.actions.next');
  }
  $('patient-heading').textContent = door ? t('page.lastAdmitted') : t('page.currentPatient');
  feedback('', '');
  session.show('station');
  render();
  refreshStation();
  startHeartbeat();
  ensureLive();
  if (live) live.refresh();
  if (door) $('door-number').focus();
}

/** Reads this station back from the server: its state, its ticket and (at desks and booths) the patient. */
async function refreshStation() {
  if (!stationId) return;
  const id = stationId;
  const r = await api('GET', `${base}/stations/${encodeURIComponent(id)}`);
  if (id !== stationId) return;
  if (r.ok && r.data && r.data.station) {
    station = r.data.station;
    ticket = r.data.ticket && typeof r.data.ticket === 'object' ? r.data.ticket : null;
    patient = r.data.patient || null;
    render();
    return;
  }
  if (sessionGone(r)) return signedOut(r.error);
  if (r.error && r.error.code === 'UNKNOWN_STATION') {
    try { localStorage.removeItem(stationKey); } catch (e) { /* ignore */ }
    await loadStations();
    showSelect();
    return;
  }
  // Until the detail route exists (or while it fails): the station from the list.
  await loadStations();
  if (id !== stationId) return;
  const s = stationList.find((x) => x.id === id);
  if (s) {
    if (s.ticket !== (station && station.ticket)) patient = null;
    station = { ...station, ...s };
    if (ticket && ticket.number !== station.ticket) ticket = null;
  }
  render();
}

function refreshSoon() {
  if (refreshTimer) return;
  refreshTimer = setTimeout(() => {
    refreshTimer = null;
    refreshStation();
  }, 150);
}

function currentNumber() {
  if (kindOf(stationId) === 'door') {
    try { return localStorage.getItem(lastAdmittedKey) || ''; } catch (e) { return ''; }
  }
  return (station && station.ticket) || '';
}

function render() {
  if (!stationId) return;
  const label = station && station.label ? station.label[lang] : stationId;
  $('station-title').textContent = label || stationId;
  const state = station && station.state ? station.state : '';
  const badge = $('station-state');
  badge.dataset.state = state;
  badge.textContent = state ? t(`page.stationStates.${state}`) : '';
  badge.hidden = !state;
  document.body.dataset.stationState = state;

  const number = currentNumber();
  const cur = $('current-ticket');
  cur.textContent = number;
  cur.dataset.state = ticket && ticket.number === number ? ticket.state : state;

  const facts = $('patient');
  const showPatient = !!(patient && number && kindOf(stationId) !== 'door');
  facts.hidden = !showPatient;
  if (showPatient) {
    $('patient-name').textContent = patient.name || '';
    $('patient-dose').textContent = patient.dose ? t('page.doseN', { n: patient.dose }) : '';
    $('patient-category').textContent = patient.category ? t(`common.categories.${patient.category}`) : '';
  }

  // An action is offered in the station states it applies in (flow/StationAction, rendered onto its
  // button); the likely next step stands out.
  const suggested = { idle: ['next'], called: ['start'], serving: ['done'], paused: ['resume'] }[state] || [];
  for (const b of actionButtons) {
    const a = b.dataset.action;
    if (kindOf(stationId) !== 'door') {
      if (a === 'pause') b.hidden = state === 'paused';
      if (a === 'resume') b.hidden = !!state && state !== 'paused';
    }
    b.classList.toggle('btn-primary', suggested.includes(a) || (kindOf(stationId) === 'door' && a === 'next'));
    b.disabled = busy || !b.dataset.states.split(' ').includes(state);
  }
  renderQueues();
  renderMyCalls();
}

function renderQueues() {
  const box = $('queue-counts');
  box.textContent = '';
  if (!siteState) return;
  const queues = {};
  for (const q of siteState.queues || []) queues[q.name] = q;
  const stages = {};
  for (const s of siteState.stages || []) stages[s.stage] = s;
  const kind = kindOf(stationId);
  const names = kind === 'door' ? ['outside', 'hall'] : kind === 'desk' ? ['room', 'vaccination'] : ['vaccination'];
  for (const name of names) {
    const q = queues[name];
    if (!q) continue;
    const total = (q.priority || 0) + (q.regular || 0);
    box.appendChild(el('div', { class: 'queue-row', 'data-queue': name },
      el('dt', null, t(`page.queueNames.${name}`)),
      el('dd', null, el('span', { class: 'queue-total', 'data-count': total }, String(total)),
        el('span', { class: 'queue-split' }, t('page.queueSplit', { p: q.priority || 0, r: q.regular || 0 })))));
  }
  const room = stages.room;
  if (room && kind !== 'booth') {
    box.appendChild(el('div', { class: 'queue-row', 'data-queue': 'room-occupancy' },
      el('dt', null, t('page.roomOccupancy')),
      el('dd', null, el('span', { class: 'queue-total' }, `${room.count}`),
        el('span', { class: 'queue-split' }, room.capacity ? `/ ${room.capacity}` : ''))));
  }
  if (kind === 'booth' && stages.observation) {
    box.appendChild(el('div', { class: 'queue-row', 'data-queue': 'observation' },
      el('dt', null, t('common.stages.observation')),
      el('dd', null, el('span', { class: 'queue-total' }, String(stages.observation.count)))));
  }
}

function isMine(call) {
  if (!call || !call.to || !stationId) return false;
  if (kindOf(stationId) === 'door') return call.to.kind === 'room';
  return call.to.id === stationId;
}

function renderMyCalls() {
  const list = $('my-calls');
  list.textContent = '';
  const mine = [...calls.values()].filter(isMine).sort((a, b) => compareEventIds(b.eventId || b.callId, a.eventId || a.callId)).slice(0, MY_CALLS_MAX);
  for (const c of mine) {
    list.appendChild(el('li', { 'data-event-id': c.eventId || c.callId, 'data-number': c.number },
      el('span', { class: 'my-call-number' }, c.number),
      el('span', { class: 'my-call-to' }, destination(c.to, lang)),
      el('span', { class: 'my-call-repeat' }, `${c.repeat || 1}/${c.of || 1}`),
      el('time', { datetime: c.at }, hhmm(c.at))));
  }
  $('no-my-calls').hidden = mine.length > 0;
}

// ---- actions ----

async function act(action, payload) {
  if (!stationId || busy) return;
  const id = stationId;
  const before = currentNumber();
  busy = true;
  render();
  feedback('', '');
  const r = await api('POST', `${base}/stations/${encodeURIComponent(id)}/${action}`, payload);
  busy = false;
  if (id !== stationId) return;
  const door = kindOf(id) === 'door';
  if (r.ok) {
    if (r.data && r.data.station) station = r.data.station;
    if (r.data && r.data.ticket) ticket = r.data.ticket;
    if (station && !station.ticket) {
      patient = null;
    }
    const number = (r.data && r.data.ticket && r.data.ticket.number) || before;
    let text;
    if (action === 'next' && door) text = t(r.status === 204 ? 'page.results.batchNone' : 'page.results.batch');
    else if (action === 'next' && r.status === 204) text = t('page.results.empty');
    else if (action === 'transfer') text = t('page.results.transfer', { number, to: transferLabel(payload.to) });
    else if (action === 'done' && r.data && r.data.shot && r.data.shot.dosesLeft !== undefined) {
      text = t('page.vial.shot', { number, n: r.data.shot.dosesLeft });
    } else text = t(`page.results.${actionButtons.find((b) => b.dataset.action === action).dataset.key}`, { number });
    feedback(r.status === 204 ? 'info' : 'ok', text);
    if (action === 'no-show') offerUndo(number);
  } else {
    if (sessionGone(r)) return signedOut(r.error);
    feedback('error', errorText(r.error, { number: before }));
  }
  render();
  if (kindOf(id) === 'booth' && action === 'done') loadVial();
  // The server's word on the station, the patient and the queues.
  refreshStation();
  if (live) live.refresh();
}

$('actions').addEventListener('click', (e) => {
  const b = e.target.closest('button[data-action]');
  if (!b || b.disabled) return;
  if (b.dataset.action === 'transfer') openTransfer();
  else act(b.dataset.action);
});

// ---- the booth's vial ----
// The vial open at this booth (GET /stock): its lot, product, doses left and its countdown after first puncture, counted
// down here from the seconds the server gave (its clock may not be the tablet's). A vial is opened from a lot of the
// site or by scanning the vial or its carton (the scanner types the GS1 DataMatrix text into the field).

async function loadVial() {
  const id = stationId;
  const r = await api('GET', `${base}/stock`);
  if (id !== stationId) return;
  if (!r.ok) {
    if (sessionGone(r)) return signedOut(r.error);
    return;
  }
  lots = r.data.lots || [];
  const open = (r.data.openVials || []).find((v) => v.station === stationId) || null;
  vial = open ? { ...open, readAt: performance.now() } : null;
  renderVial();
}

function secondsLeft() {
  if (!vial) return 0;
  return Math.max(0, Math.round(vial.secondsLeft - (performance.now() - vial.readAt) / 1000));
}

function countdownText(sec) {
  const h = Math.floor(sec / 3600);
  const m = Math.floor((sec % 3600) / 60);
  return h > 0 ? t('page.vial.countdown', { h, m }) : t('page.vial.countdownShort', { m, s: sec % 60 });
}

function productName(v) {
  return v.productName ? v.productName[lang] || v.product : v.product;
}

function renderVial() {
  const card = $('vial-card');
  if (card.hidden) return stopVialTimer();
  $('vial-none').hidden = !!vial;
  $('vial-facts').hidden = !vial;
  if (!vial) {
    card.dataset.state = 'none';
    return stopVialTimer();
  }
  const sec = secondsLeft();
  card.dataset.state = sec > 0 ? 'open' : 'expired';
  $('vial-doses').textContent = t('page.vial.doses', { n: vial.dosesLeft });
  $('vial-countdown').textContent = sec > 0 ? countdownText(sec) : t('page.vial.expired');
  $('vial-lot').textContent = vial.lot;
  $('vial-product').textContent = productName(vial);
  if (!vialTimer && sec > 0) vialTimer = setInterval(renderVial, 1000);
  if (sec <= 0) stopVialTimer();
}

function stopVialTimer() {
  if (vialTimer) clearInterval(vialTimer);
  vialTimer = null;
}

$('vial-open').addEventListener('click', async () => {
  await loadVial();
  const select = $('vial-lot-select');
  select.textContent = '';
  const usable = lots.filter((l) => !l.expired && l.vials > 0);
  for (const l of usable) {
    select.appendChild(el('option', { value: l.lot },
      t('page.vial.lotOption', { lot: l.lot, product: productName(l), expiry: l.expiry, vials: l.vials })));
  }
  select.hidden = usable.length === 0;
  $('vial-no-lots').hidden = usable.length > 0;
  $('vial-gs1').value = '';
  $('vial-dialog-heading').textContent = t('page.vial.openHeading', { station: $('station-title').textContent });
  openDialog($('vial-dialog'));
  (usable.length ? select : $('vial-gs1')).focus();
});

$('vial-cancel').addEventListener('click', () => closeDialog($('vial-dialog')));

$('vial-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const gs1 = $('vial-gs1').value.trim();
  const lot = $('vial-lot-select').value;
  if ((!gs1 && !lot) || busy || !stationId) return;
  closeDialog($('vial-dialog'));
  const id = stationId;
  busy = true;
  render();
  const r = await api('POST', `${base}/stations/${encodeURIComponent(id)}/vial`, gs1 ? { gs1 } : { lot });
  busy = false;
  if (id !== stationId) return;
  if (r.ok) {
    const v = r.data.vial;
    let text = t('page.vial.opened', { vialNo: v.vialNo, lot: v.lot, n: v.dosesLeft });
    if (r.data.wasted > 0) text += ' ' + t('page.vial.wasted', { n: r.data.wasted });
    feedback('ok', text);
  } else {
    if (sessionGone(r)) return signedOut(r.error);
    feedback('error', errorText(r.error));
  }
  render();
  loadVial();
});

// ---- transfer ----

function transferLabel(to) {
  if (to === 'room') return t('page.queueRoom');
  if (to === 'vaccination') return t('page.queueVaccination');
  const s = stationList.find((x) => x.id === to);
  return s && s.label ? s.label[lang] : destination({ kind: kindOf(to), id: to }, lang);
}

function openTransfer() {
  const kind = kindOf(stationId);
  const select = $('transfer-to');
  select.textContent = '';
  for (const s of stationList.filter((x) => x.kind === kind && x.id !== stationId)) {
    select.appendChild(el('option', { value: s.id }, `${s.label ? s.label[lang] : s.id} \u00b7 ${t(`page.stationStates.${s.state}`)}`));
  }
  const queue = kind === 'desk' ? 'room' : kind === 'booth' ? 'vaccination' : null;
  if (queue) select.appendChild(el('option', { value: queue }, transferLabel(queue)));
  $('transfer-heading').textContent = t('page.transferHeading', { number: currentNumber() || '' });
  openDialog($('transfer-dialog'));
  select.focus();
}

$('transfer-cancel').addEventListener('click', () => closeDialog($('transfer-dialog')));
$('transfer-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const to = $('transfer-to').value;
  closeDialog($('transfer-dialog'));
  if (to) act('transfer', { to });
});

// ---- undoing a no-show ----
// A no-show pressed by mistake is taken back from the tablet for a while, after a confirmation:
// the ticket is reinstated at the head of the queue it was called from.

const UNDO_MS = 2 * 60 * 1000;
let undoable = null; // { number, timer }

function offerUndo(number) {
  clearUndo();
  if (!number) return;
  undoable = { number, timer: setTimeout(clearUndo, UNDO_MS) };
  $('undo-text').textContent = t('page.undo.offer', { number });
  $('undo-bar').hidden = false;
}

function clearUndo() {
  if (undoable) clearTimeout(undoable.timer);
  undoable = null;
  $('undo-bar').hidden = true;
}

$('undo-open').addEventListener('click', () => {
  if (!undoable) return;
  $('undo-heading').textContent = t('page.undo.heading', { number: undoable.number });
  openDialog($('undo-dialog'));
  $('undo-cancel').focus();
});
$('undo-cancel').addEventListener('click', () => closeDialog($('undo-dialog')));
$('undo-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  closeDialog($('undo-dialog'));
  if (!undoable || busy) return;
  const { number } = undoable;
  busy = true;
  render();
  const r = await api('POST', `${base}/tickets/${encodeURIComponent(number)}/reinstate`, {});
  busy = false;
  if (r.ok) {
    clearUndo();
    feedback('ok', t('page.undo.done', { number }));
  } else {
    if (sessionGone(r)) return signedOut(r.error);
    feedback('error', errorText(r.error, { number }));
    // no longer a no-show (reinstated elsewhere) or gone: nothing left to undo
    if (r.status === 404 || r.status === 409) clearUndo();
  }
  render();
  refreshStation();
  if (live) live.refresh();
});

// ---- the door ----

$('door-scan-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const input = $('door-number');
  const number = input.value.trim().toUpperCase();
  if (!number || busy) return input.focus();
  busy = true;
  render();
  const r = await api('POST', `${base}/door/scan`, { number });
  busy = false;
  input.value = '';
  if (r.ok) {
    try { localStorage.setItem(lastAdmittedKey, (r.data && r.data.ticket && r.data.ticket.number) || number); } catch (err) { /* ignore */ }
    feedback('ok', t('page.results.admit', { number }));
  } else {
    if (sessionGone(r)) return signedOut(r.error);
    feedback('error', errorText(r.error, { number }));
  }
  render();
  input.focus();
  if (live) live.refresh();
});

// ---- heartbeat: keeps this station's lease while the tablet is here ----

function startHeartbeat() {
  stopHeartbeat();
  const beat = async () => {
    if (!stationId) return;
    const r = await api('POST', `${base}/stations/${encodeURIComponent(stationId)}/heartbeat`);
    if (sessionGone(r)) signedOut(r.error);
  };
  beat();
  heartbeatTimer = setInterval(beat, HEARTBEAT_MS);
}

function stopHeartbeat() {
  if (heartbeatTimer) clearInterval(heartbeatTimer);
  heartbeatTimer = null;
}

// ---- live messages ----

function onState(state) {
  siteState = state;
  if (Array.isArray(state.stations) && state.stations.length) {
    // Merge: the public snapshot has no staffId.
    const byId = new Map(stationList.map((s) => [s.id, s]));
    stationList = state.stations.map((s) => ({ ...(byId.get(s.id) || {}), ...s }));
  }
  const mine = stationId && (state.stations || []).find((s) => s.id === stationId);
  if (mine && station && (mine.state !== station.state || (mine.ticket || null) !== (station.ticket || null))) refreshSoon();
  if (!views.station.hidden) renderQueues();
}

function onStaff(message) {
  if (!message || message.type !== 'station' || !message.station) return;
  const s = message.station;
  const i = stationList.findIndex((x) => x.id === s.id);
  if (i >= 0) stationList[i] = { ...stationList[i], ...s };
  else stationList.push(s);
  if (s.id === stationId) {
    const changedTicket = (s.ticket || null) !== (station && station.ticket || null);
    station = { ...station, ...s };
    if (changedTicket) {
      patient = null;
      ticket = null;
      refreshSoon();
    }
    render();
  }
}

function keep(call) {
  calls.set(call.callId, call);
  if (calls.size > CALLS_KEPT) calls.delete(calls.keys().next().value);
}

function onCall(call) {
  keep(call);
  if (isMine(call)) renderMyCalls();
}

function onHistory(history) {
  history.forEach(keep);
  renderMyCalls();
}

function onConnection(state) {
  $('connection').dataset.state = state;
  $('connection-text').textContent = t(`page.connection.${state}`);
  // Back on the bridge: re-read the station in case something changed while away.
  if (state === 'live') refreshSoon();
}

function ensureLive() {
  if (live) return;
  live = connectLive({ site, calls: true, state: true, staff: true, onState, onStaff, onCall, onHistory, onConnection });
}

session.start();
replaceChildren($('feedback'));
