// dashboard.js — the site manager's dashboard: live counts and capacities per stage (the site's
// .state over the bridge), and every 5 s the day's figures from GET /metrics: wait percentiles,
// throughput per hour, the doses given and wasted (per hour, per lot, open vials, the standby list),
// station utilisation (with pause/resume), displays, the registry breaker,
// rate limits and alerts, each with its advice and (when one press can do it) its action. Capacities
// are changed with PUT /settings; walk-ins, closing early and reinstating a no-show from "Site today";
// every action asks for a confirmation first.

import { $, site, lang, t, el, api, errorText, replaceChildren, waitRange, hhmm, htmlLang, clockText, openDialog, closeDialog } from './page.js';
import { staffSession, sessionGone } from './staffpage.js';
import { connectLive } from './live.js';
import { meter, level, barChart } from './charts.js';
import { showDevices, hideDevices } from './devices.js';

const REFRESH_MS = 5000;
const base = `/api/v1/sites/${encodeURIComponent(site)}`;
const views = { loading: $('dash-loading'), login: $('login-view'), denied: $('denied-view'), dash: $('dash-view') };

let metrics = null;        // the latest GET /metrics
let liveState = null;      // the latest .state message (newer counts than metrics between polls)
let live = null;
let refreshTimer = null;
let soonTimer = null;
let capacityDirty = false;
const acting = new Set();  // stations with a pause/resume on its way

const fmt = (n) => new Intl.NumberFormat(htmlLang(lang)).format(n);

// ---- session ----

// who may see the dashboard (a manager of this site) comes from the server: staffpage.js
const session = staffSession({ views, signedIn: afterSignIn, signedOut: stopFigures });
const signedOut = (error) => session.signOut(error);

function afterSignIn() {
  const here = session.here();
  if (!here || !here.manage) {
    session.show('denied');
    return;
  }
  session.show('dash');
  refresh();
  showDevices(signedOut);
  if (!live) {
    live = connectLive({ site, calls: false, state: true, staff: true, onState, onStaff, onConnection });
  }
}

function stopFigures() {
  metrics = null;
  hideDevices();
  if (refreshTimer) clearTimeout(refreshTimer);
  refreshTimer = null;
  if (live) {
    live.close();
    live = null;
  }
}

// ---- figures ----

async function refresh() {
  if (refreshTimer) clearTimeout(refreshTimer);
  refreshTimer = null;
  const r = await api('GET', `${base}/metrics`);
  if (!session.me) return;
  const err = $('dash-error');
  if (r.ok && r.data) {
    metrics = r.data;
    err.hidden = true;
    render();
  } else if (sessionGone(r)) {
    signedOut(r.error);
    return;
  } else if (r.status === 403) {
    session.show('denied');
    return;
  } else {
    err.hidden = false;
    err.textContent = errorText(r.error);
  }
  refreshTimer = setTimeout(refresh, REFRESH_MS);
}

function refreshSoon() {
  if (soonTimer) return;
  soonTimer = setTimeout(() => {
    soonTimer = null;
    if (session.me && metrics) refresh();
  }, 400);
}

/** Counts, capacities, wait and stations: the live state when it is newer than the figures. */
function now() {
  if (liveState && (!metrics || Date.parse(liveState.at) >= Date.parse(metrics.at))) return liveState;
  return metrics;
}

function render() {
  if (!metrics) return;
  renderStages();
  renderKpis();
  renderThroughput();
  renderDoses();
  renderStations();
  renderAlerts();
  renderDisplays();
  renderSystem();
  renderCapacities();
  renderControls();
  $('updated').textContent = t('page.updated', { time: hhmm(metrics.at) });
}

function renderStages() {
  const s = now();
  if (!s || !Array.isArray(s.stages)) return;
  const items = s.stages.map((st) => {
    const cap = st.capacity;
    const f = cap ? st.count / cap : NaN;
    // only the hall overflows; the vaccine room is filled in batches and full by design
    const lvl = st.stage === 'hall' ? level(f) : 'none';
    return el('li', { class: `dash-stage stage-${st.stage}`, 'data-stage': st.stage, 'data-level': lvl },
      el('span', { class: 'dash-stage-name' }, t(`common.stages.${st.stage}`)),
      el('span', { class: 'dash-stage-count' }, fmt(st.count)),
      cap ? el('span', { class: 'dash-stage-cap' }, t('page.capacityOf', { n: fmt(cap) })) : el('span', { class: 'dash-stage-cap' }, '\u00a0'),
      cap ? meter(f, lvl) : null);
  });
  replaceChildren($('stage-list'), items);
}

// Percentiles of the waits that ended, and how long the head of the line has waited so far.
function waitFigure(id, p) {
  const value = $(id);
  const sub = $(`${id}-sub`);
  const head = p && p.headMin != null ? t('page.headNow', { n: p.headMin }) : '';
  if (!p || !p.samples) {
    value.textContent = '–';
    sub.textContent = head || t('page.noSamples');
    return;
  }
  replaceChildren(value, el('span', null, t('page.minutes', { n: p.p50Min })), el('span', { class: 'kpi-unit' }, ` ${t('page.median')}`));
  sub.textContent = `${t('page.p90')} ${t('page.minutes', { n: p.p90Min })} · ${t('page.samples', { n: p.samples })}${head ? ` · ${head}` : ''}`;
}

function renderKpis() {
  const s = now();
  replaceChildren($('kpi-wait'), waitRange(s));
  const acc = metrics.predictionAccuracy;
  if (acc && acc.share !== null && acc.share !== undefined) $('kpi-wait').nextElementSibling.textContent = t('page.predictionAccuracy', { pct: Math.round(acc.share * 100), n: acc.calls });
  $('kpi-wait').dataset.level = level((s.predictedWaitMin || 0) / 60, 0.5, 1);
  waitFigure('kpi-to-desk', metrics.waits && metrics.waits.checkinToDesk);
  waitFigure('kpi-to-booth', metrics.waits && metrics.waits.deskToBooth);
  const totals = metrics.totals || {};
  $('kpi-checkins').textContent = fmt(totals.checkins || 0);
  $('kpi-vaccinated').textContent = fmt(totals.vaccinated || 0);
  $('kpi-released').textContent = `${t('page.released')} ${fmt(totals.released || 0)}`;
  $('kpi-no-shows').textContent = fmt((metrics.noShows && metrics.noShows.now) || 0);
  $('kpi-no-shows-sub').textContent = t('page.noShowsValue', { marked: fmt((metrics.noShows && metrics.noShows.markedToday) || 0) });
}

function renderThroughput() {
  const rows = (metrics.throughput || []).map((h) => ({
    label: String(h.hour).padStart(2, '0'),
    values: { checkins: h.checkins, vaccinated: h.vaccinated, released: h.released },
  }));
  const series = [
    { key: 'checkins', label: t('page.checkins'), cls: 'bar-checkins' },
    { key: 'vaccinated', label: t('page.vaccinated'), cls: 'bar-vaccinated' },
    { key: 'released', label: t('page.released'), cls: 'bar-released' },
  ];
  replaceChildren($('throughput'), barChart(rows, series, { title: t('page.throughputLabel'), width: 760, height: 380 }));
}

// The day's doses: given and wasted (and the waste rate), per hour and per lot; the open vials with the time they have
// left (as of the figures); the standby list's invitations.
function renderDoses() {
  const d = metrics.doses;
  if (!d) return;
  $('doses-given').textContent = fmt(d.given);
  $('doses-wasted').textContent = fmt(d.wasted);
  $('doses-rate').textContent = new Intl.NumberFormat(htmlLang(lang), { style: 'percent', maximumFractionDigits: 1 }).format(d.wasteRate);
  const rows = d.byHour.map((h) => ({ label: String(h.hour).padStart(2, '0'), values: { given: h.given, wasted: h.wasted } }));
  const series = [
    { key: 'given', label: t('page.doses.given'), cls: 'bar-given' },
    { key: 'wasted', label: t('page.doses.wasted'), cls: 'bar-wasted' },
  ];
  replaceChildren($('doses-hours'), barChart(rows, series, { title: t('page.doses.byHourLabel'), width: 760, height: 260 }));
  replaceChildren($('doses-lots'), d.byLot.length
    ? d.byLot.map((l) => el('tr', null, el('td', null, l.lot), el('td', null, l.product),
      el('td', { class: 'num' }, fmt(l.given)), el('td', { class: 'num' }, fmt(l.wasted))))
    : [el('tr', null, el('td', { colspan: '4', class: 'muted' }, t('page.doses.noLots')))]);
  replaceChildren($('doses-vials'), d.openVials.length
    ? d.openVials.map((v) => el('li', { 'data-station': v.station }, t(v.secondsLeft > 0 ? 'page.doses.vial' : 'page.doses.expired', {
      station: stationLabel(v.station), lot: v.lot, left: fmt(v.dosesLeft), time: countdown(v.secondsLeft) })))
    : [el('li', { class: 'muted' }, t('page.doses.noVials'))]);
  $('doses-standby').textContent = t('page.doses.standby', {
    waiting: fmt(d.standby.waiting), invited: fmt(d.standby.invited), accepted: fmt(d.standby.accepted),
    gone: fmt(d.standby.gone), out: fmt(d.standby.out) });
}

/** 4:05:09 — hours, minutes and seconds left. */
function countdown(sec) {
  const h = Math.floor(sec / 3600), m = Math.floor((sec % 3600) / 60), s = sec % 60;
  return `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
}

function stationLabel(id) {
  const s = metrics && (metrics.stations || []).find((x) => x.id === id);
  return s && s.label ? s.label[lang] || id : id;
}

function renderStations() {
  const liveById = new Map(((liveState && liveState.stations) || []).map((s) => [s.id, s]));
  const liveNewer = liveState && Date.parse(liveState.at) > Date.parse(metrics.at);
  const rows = (metrics.stations || []).map((m) => {
    const s = liveNewer && liveById.has(m.id) ? { ...m, ...liveById.get(m.id) } : m;
    const holding = s.state === 'called' || s.state === 'serving';
    const paused = s.state === 'paused';
    const util = typeof m.utilisation === 'number' ? m.utilisation : null;
    const pct = util === null ? null : Math.round(util * 100);
    const action = paused ? 'resume' : 'pause';
    const button = el('button', {
      type: 'button', class: `btn btn-small ${paused ? 'btn-primary' : 'btn-secondary'}`,
      'data-station': s.id, 'data-action': action,
      title: !paused && holding ? t('page.pauseBusy') : null,
      disabled: acting.has(s.id) || (!paused && holding),
    }, t(`page.${action}`));
    return el('tr', { 'data-station': s.id, 'data-state': s.state, 'data-kind': s.kind },
      el('th', { scope: 'row' }, el('span', { class: 'station-name' }, s.label ? s.label[lang] || s.id : s.id),
        m.staffId ? el('span', { class: 'secondary' }, m.staffId) : null),
      el('td', null, el('span', { class: 'state-badge', 'data-state': s.state }, t(`page.stationStates.${s.state}`))),
      el('td', null, s.ticket ? el('span', { class: 'ticket-cell' }, el('span', { class: 'ticket-no' }, s.ticket),
        holding && m.ticket === s.ticket && m.heldSec >= 60 ? el('span', { class: 'secondary' }, t('page.minutes', { n: Math.floor(m.heldSec / 60) })) : null) : '–'),
      el('td', { class: 'util-cell' }, util === null ? '–' : [meter(util, 'none'),
        el('span', { class: 'util-text' }, t('page.utilValue', { pct, busy: Math.round(m.busyMin), open: Math.round(m.openMin) }))]),
      el('td', { class: 'num served' }, fmt(m.served || 0)),
      el('td', { class: 'action-col' }, button));
  });
  replaceChildren($('stations-body'), rows);
}

$('stations-body').addEventListener('click', async (e) => {
  const b = e.target.closest('button[data-station]');
  if (!b || b.disabled) return;
  const id = b.dataset.station;
  const action = b.dataset.action;
  acting.add(id);
  renderStations();
  const r = await api('POST', `${base}/stations/${encodeURIComponent(id)}/${action}`);
  acting.delete(id);
  if (r.ok) {
    stationFeedback('ok', t(action === 'pause' ? 'page.paused' : 'page.resumed', { station: stationLabel(id) }));
  } else {
    if (sessionGone(r)) return signedOut(r.error);
    stationFeedback('error', errorText(r.error));
  }
  refresh();
});

function stationFeedback(kind, text) {
  const box = $('station-feedback');
  box.dataset.kind = kind;
  replaceChildren(box, text ? [el('span', { class: 'feedback-icon', 'aria-hidden': 'true' }, kind === 'error' ? '!' : '\u2713'), el('span', null, text)] : []);
}

function alertSubject(a) {
  if (!a.subject) return '';
  return /^(door|desk|booth)-\d+$/.test(a.subject) ? stationLabel(a.subject) : a.subject;
}

function renderAlerts() {
  const list = metrics.alerts || [];
  if (!list.length) {
    replaceChildren($('alerts'), el('li', { class: 'alert alert-clear' },
      el('span', { class: 'alert-icon', 'aria-hidden': 'true' }, '\u2713'), el('span', null, t('page.noAlerts'))));
    return;
  }
  replaceChildren($('alerts'), list.map((a, i) => {
    const vars = actionVars(a.action, { value: a.value, limit: a.limit, subject: alertSubject(a) });
    const action = doable(a.action) ? el('button', {
      type: 'button', class: 'btn btn-small btn-primary alert-action', 'data-alert': String(i),
      'data-action': a.action.action, disabled: actingOnAdvice,
    }, t(`page.actions.${a.action.action}`, vars)) : null;
    return el('li', { class: `alert alert-${a.level}`, 'data-code': a.code, 'data-subject': a.subject || '' },
      el('span', { class: 'alert-icon', 'aria-hidden': 'true' }, a.level === 'info' ? 'i' : '!'),
      el('span', { class: 'alert-text' },
        el('span', { class: 'alert-level' }, t(`page.levels.${a.level}`)),
        el('span', null, t(`page.alerts.${a.code}`, vars)),
        el('span', { class: 'alert-advice' }, t(`page.advice.${a.code}`, vars)),
        action,
        a.code === 'SEVERE_REACTION' ? el('a', { class: 'btn btn-small alert-action',
          href: `/sites/${encodeURIComponent(site)}/observation?lang=${lang}` }, t('page.actions.openObservation')) : null));
  }));
}

// ---- advice: an alert's action, and the site's switches, each after a confirmation ----

let actingOnAdvice = false;
let confirming = null; // what the confirmation dialog does when confirmed

/** An action's parameters as words: stations by their labels, the end of a walk-in stop as HH:MM. */
function actionVars(action, vars = {}) {
  const out = { ...vars };
  for (const [k, v] of Object.entries(action || {})) out[k] = typeof v === 'string' && /^(door|desk|booth)-\d+$/.test(v) ? stationLabel(v) : v;
  if (action && action.minutes) out.until = clockText(Date.parse((metrics && metrics.at) || new Date().toISOString()) + action.minutes * 60000);
  if (!out.station && vars.subject) out.station = vars.subject;
  return out;
}

/** Whether the action is one the page can do, and not done already (walk-ins stopped). */
function doable(action) {
  if (!action || !action.action) return false;
  if (action.action === 'stopWalkIns') return !!mode().walkIns && !mode().walkInsStoppedUntil;
  return ['resume', 'moveStaff', 'raiseCapacity'].includes(action.action);
}

function mode() {
  return (metrics && metrics.siteMode) || {};
}

/** The requests an action makes, in order; the first refusal stops them. */
function requests(action) {
  switch (action.action) {
    case 'resume': return [['POST', `${base}/stations/${encodeURIComponent(action.station)}/resume`]];
    case 'moveStaff': return [['POST', `${base}/stations/${encodeURIComponent(action.from)}/pause`],
      ['POST', `${base}/stations/${encodeURIComponent(action.to)}/resume`]];
    case 'stopWalkIns': return [['POST', `${base}/walk-ins`, { allow: false, minutes: action.minutes }]];
    case 'raiseCapacity': return [['PUT', `${base}/settings`, { [action.setting]: action.to }]];
    case 'allowWalkIns': return [['POST', `${base}/walk-ins`, { allow: true }]];
    case 'closeEarly': return [['POST', `${base}/close-early`, { closed: true }]];
    case 'reopen': return [['POST', `${base}/close-early`, { closed: false }]];
    case 'reinstate': return [['POST', `${base}/tickets/${encodeURIComponent(action.number)}/reinstate`, {}]];
    default: return [];
  }
}

/** Asks first; once confirmed, does the action and says how it went in {@code box}. */
function confirmThen(action, box) {
  const vars = actionVars(action);
  $('confirm-heading').textContent = t(`page.confirm.${action.action}`, vars);
  $('confirm-explain').textContent = t(`page.confirm.explain.${action.action}`, vars);
  confirming = async () => {
    actingOnAdvice = true;
    renderAlerts();
    let failed = null;
    for (const [method, path, body] of requests(action)) {
      const r = await api(method, path, body);
      if (!r.ok) {
        failed = r;
        break;
      }
    }
    actingOnAdvice = false;
    if (failed) {
      if (sessionGone(failed)) return signedOut(failed.error);
      feedbackIn(box, 'error', errorText(failed.error));
    } else {
      const what = action.action === 'reinstate' ? t('page.controls.reinstated', vars) : t(`page.confirm.${action.action}`, vars).replace(/[?？]$/, '');
      feedbackIn(box, 'ok', action.action === 'reinstate' ? what : t('page.confirm.done', { what }));
    }
    refresh();
  };
  openDialog($('confirm-dialog'));
  $('confirm-cancel').focus();
}

function feedbackIn(box, kind, text) {
  box.dataset.kind = kind;
  replaceChildren(box, text ? [el('span', { class: 'feedback-icon', 'aria-hidden': 'true' }, kind === 'error' ? '!' : '\u2713'), el('span', null, text)] : []);
}

$('alerts').addEventListener('click', (e) => {
  const b = e.target.closest('button[data-alert]');
  if (!b || b.disabled || !metrics) return;
  const a = (metrics.alerts || [])[Number(b.dataset.alert)];
  if (a && a.action) confirmThen(a.action, $('advice-feedback'));
});
$('confirm-cancel').addEventListener('click', () => {
  confirming = null;
  closeDialog($('confirm-dialog'));
});
$('confirm-form').addEventListener('submit', (e) => {
  e.preventDefault();
  closeDialog($('confirm-dialog'));
  const run = confirming;
  confirming = null;
  if (run) run();
});

function renderControls() {
  const m = mode();
  const stopped = m.walkInsStoppedUntil;
  const walkIns = $('walk-ins-state');
  walkIns.dataset.state = !m.walkIns ? 'none' : stopped ? 'stopped' : 'open';
  walkIns.textContent = !m.walkIns ? t('page.controls.walkInsNone')
    : stopped ? t('page.controls.walkInsStopped', { until: hhmm(stopped) }) : t('page.controls.walkInsOpen');
  const toggle = $('walk-ins-toggle');
  toggle.hidden = !m.walkIns;
  toggle.dataset.action = stopped ? 'allowWalkIns' : 'stopWalkIns';
  toggle.textContent = t(stopped ? 'page.controls.allow' : 'page.controls.stop');
  $('checkins-state').dataset.state = m.closedToday ? 'closed' : 'open';
  $('checkins-state').textContent = t(m.closedToday ? 'page.controls.closedEarly' : 'page.controls.open');
  $('close-toggle').dataset.action = m.closedToday ? 'reopen' : 'closeEarly';
  $('close-toggle').textContent = t(m.closedToday ? 'page.controls.reopen' : 'page.controls.closeEarly');
}

$('walk-ins-toggle').addEventListener('click', (e) => {
  const action = e.currentTarget.dataset.action;
  confirmThen(action === 'stopWalkIns' ? { action, minutes: 60 } : { action }, $('controls-feedback'));
});
$('close-toggle').addEventListener('click', (e) => confirmThen({ action: e.currentTarget.dataset.action }, $('controls-feedback')));
$('reinstate-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const number = $('reinstate-number').value.trim().toUpperCase();
  if (!/^[APW]\d{3,5}$/.test(number)) {
    feedbackIn($('controls-feedback'), 'error', `${errorText({ code: 'INVALID_INPUT', field: 'number' })} ${t('page.controls.reinstateHint')}`);
    $('reinstate-number').focus();
    return;
  }
  confirmThen({ action: 'reinstate', number }, $('controls-feedback'));
});

function renderDisplays() {
  const list = metrics.displays || [];
  if (!list.length) {
    replaceChildren($('displays'), el('li', { class: 'muted' }, t('page.noDisplays')));
    return;
  }
  // each display as the server last heard it (an ack, its hello, a ping), and whether it can be heard
  replaceChildren($('displays'), list.map((d) => el('li', {
    class: 'display-row', 'data-display': d.id, 'data-online': d.online ? 'true' : 'false', 'data-sound': d.sound || 'unknown',
  },
  el('span', { class: 'display-id' }, d.id),
  el('span', { class: 'display-seen muted', title: clock(d.lastContactAt) }, t('page.lastContact', { time: ago(d.lastContactAgeSec) })),
  // the sound it last reported, while it is there to be heard
  d.online ? el('span', { class: 'display-sound', 'data-sound': d.sound || 'unknown' }, t(`page.sound.${d.sound || 'unknown'}`)) : null,
  el('span', { class: 'status-pill', 'data-online': d.online ? 'true' : 'false' }, d.online ? t('page.online') : t('page.offline')))));
}

function ago(sec) {
  const s = Number(sec) || 0;
  if (s < 90) return t('page.secondsAgo', { n: s });
  if (s < 5400) return t('page.minutesAgo', { n: Math.round(s / 60) });
  return t('page.hoursAgo', { n: Math.round(s / 3600) });
}

function clock(iso) {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return '';
  try {
    return new Intl.DateTimeFormat(htmlLang(lang), { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false, timeZone: document.body.dataset.timeZone }).format(new Date(ms));
  } catch (e) {
    return hhmm(iso);
  }
}

function renderSystem() {
  const reg = metrics.registry || {};
  const breaker = $('breaker');
  breaker.dataset.state = reg.breaker || '';
  breaker.textContent = reg.breaker ? t(`page.breakerStates.${reg.breaker}`) : '–';
  $('failures').textContent = fmt(reg.failures || 0);
  const rl = metrics.rateLimits || {};
  if (rl.site) {
    $('site-bucket').textContent = t('page.siteBucketValue', { tokens: fmt(Math.floor(rl.site.tokens)), burst: fmt(rl.site.burst), rate: fmt(rl.site.rate) });
  }
  if (rl.kiosk) $('kiosk-limit').textContent = t('page.limitValue', { rate: fmt(rl.kiosk.rate), burst: fmt(rl.kiosk.burst) });
  if (rl.booking) $('booking-limit').textContent = t('page.limitValue', { rate: fmt(rl.booking.rate), burst: fmt(rl.booking.burst) });
}

function renderCapacities() {
  const caps = (now() || {}).capacities;
  if (!caps || capacityDirty) return;
  const form = $('capacity-form');
  if (form.contains(document.activeElement) && document.activeElement.tagName === 'INPUT') return;
  $('hallCapacity').value = caps.hall;
  $('roomCapacity').value = caps.room;
}

// ---- capacities ----

function setFieldError(field, text) {
  const box = $(`${field}-error`);
  box.textContent = text || '';
  box.closest('.field').classList.toggle('field-invalid', !!text);
  if (text) $(field).setAttribute('aria-invalid', 'true');
  else $(field).removeAttribute('aria-invalid');
}

$('capacity-form').addEventListener('input', () => {
  capacityDirty = true;
  $('capacity-feedback').textContent = '';
});

$('capacity-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  setFieldError('hallCapacity', '');
  setFieldError('roomCapacity', '');
  const feedback = $('capacity-feedback');
  feedback.textContent = '';
  feedback.dataset.kind = '';
  const body = {};
  for (const f of ['hallCapacity', 'roomCapacity']) {
    const v = $(f).value.trim();
    // sent as typed when it is not a whole number: the server names the field
    body[f] = /^\d+$/.test(v) ? Number(v) : v;
  }
  const button = e.currentTarget.querySelector('button[type=submit]');
  button.disabled = true;
  const r = await api('PUT', `${base}/settings`, body);
  button.disabled = false;
  if (r.ok) {
    capacityDirty = false;
    const caps = r.data.capacities || {};
    feedback.dataset.kind = 'ok';
    feedback.textContent = t('page.saved', { hall: caps.hall, room: caps.room });
    refresh();
    return;
  }
  if (sessionGone(r)) return signedOut(r.error);
  const field = r.error && r.error.field;
  if (field === 'hallCapacity' || field === 'roomCapacity') {
    setFieldError(field, errorText(r.error));
    $(field).focus();
  } else {
    feedback.dataset.kind = 'error';
    feedback.textContent = errorText(r.error);
  }
});

// ---- live ----

function onState(state) {
  liveState = state;
  if (!metrics) return;
  renderStages();
  renderKpis();
  renderStations();
  renderCapacities();
}

function onStaff(message) {
  if (message && message.type === 'station') refreshSoon();
}

function onConnection(state) {
  $('connection').dataset.state = state;
  $('connection-text').textContent = t(`page.connection.${state}`);
}

session.start();
