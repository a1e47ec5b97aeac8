// kiosk.js — the check-in kiosk: a voucher typed, scanned (a USB scanner types it and Enter) or
// keyed on screen, or a walk-in's details, become a ticket; a refusal says why and what to do
// next in both languages. "Where is my number?" looks a ticket up. After a result the kiosk goes
// back to the start by itself.

import { site, lang, otherLang, t, errorText, bilingual, replaceChildren, api, waitText, waitRange, destination, hhmm, dayText, randomKey, parseJson } from './page.js';
import { drawQr } from './qr.js';

const RETURN_AFTER_S = 20;
const body = document.body;
const walkInSites = parseJson(body.dataset.walkInSites, []);
const phoneMode = new URLSearchParams(location.search).has('ticket');

const screens = [...document.querySelectorAll('.screen')];
const voucherForm = document.getElementById('voucher-form');
const voucherInput = document.getElementById('voucher-input');
const lookupForm = document.getElementById('lookup-form');
const lookupInput = document.getElementById('lookup-number');
const walkInForm = document.getElementById('walkin-form');
const status = document.getElementById('kiosk-status');

let current = 'start';
let countdownTimer = null;
let countdownLeft = 0;
let attempt = null; // { payload, key }: a retry of the same attempt reuses its Idempotency-Key

// ---- screens ----

function show(name, { focus = true } = {}) {
  current = name;
  for (const s of screens) s.hidden = s.id !== `screen-${name}`;
  stopCountdown();
  const screen = document.getElementById(`screen-${name}`);
  if (['ticket', 'rejection', 'lookup-result'].includes(name) && !phoneMode) startCountdown(screen);
  if (!focus) return;
  if (name === 'start') voucherInput.focus();
  else if (name === 'lookup') lookupInput.focus();
  else if (name === 'walkin') document.getElementById('walkin-name').focus();
  else {
    const heading = screen.querySelector('h1');
    if (heading) {
      heading.setAttribute('tabindex', '-1');
      heading.focus({ preventScroll: true });
    }
  }
}

function startCountdown(screen) {
  countdownLeft = RETURN_AFTER_S;
  const out = screen.querySelector('[data-countdown]');
  const paint = () => { if (out) out.textContent = t('page.returning', { s: countdownLeft }); };
  paint();
  countdownTimer = setInterval(() => {
    countdownLeft -= 1;
    if (countdownLeft <= 0) {
      reset();
      return;
    }
    paint();
  }, 1000);
}

function stopCountdown() {
  if (countdownTimer) clearInterval(countdownTimer);
  countdownTimer = null;
  document.querySelectorAll('[data-countdown]').forEach((n) => { n.textContent = ''; });
}

/** Someone is still reading: give them the full time again. */
function extendCountdown() {
  if (countdownTimer) countdownLeft = RETURN_AFTER_S;
}

function reset() {
  voucherInput.value = '';
  lookupInput.value = '';
  if (walkInForm) walkInForm.reset();
  attempt = null;
  show('start');
}

document.addEventListener('click', (e) => {
  const go = e.target.closest('[data-go]');
  if (go) {
    if (go.dataset.go === 'start') reset();
    else show(go.dataset.go);
  }
});
let lastActivity = Date.now();
function activity() {
  lastActivity = Date.now();
  extendCountdown();
}
document.addEventListener('pointerdown', activity);
document.addEventListener('keydown', activity);
// Half-typed codes and walk-in details do not wait for the next person.
const IDLE_CLEAR_MS = 60000;
setInterval(() => {
  if (Date.now() - lastActivity < IDLE_CLEAR_MS || phoneMode) return;
  const typed = voucherInput.value || lookupInput.value || (walkInForm && (walkInForm.elements.name.value || walkInForm.elements.idNumber.value));
  if (typed || current === 'walkin' || current === 'lookup') reset();
}, 5000);
document.getElementById('lookup-open').addEventListener('click', () => show('lookup'));
const walkInOpen = document.getElementById('walk-in-open');
if (walkInOpen) walkInOpen.addEventListener('click', () => show('walkin'));

// ---- on-screen keypads ----

function keypad(pad, input, { shortCode }) {
  pad.addEventListener('click', (e) => {
    const key = e.target.closest('button[data-key]');
    if (!key) return;
    const k = key.dataset.key;
    let v = input.value;
    if (k === 'backspace') v = v.replace(/-?.$/, '');
    else if (k === 'clear') v = '';
    else {
      v += k;
      // Keyed short codes get their hyphens as printed: XH-7K3M-9Q2P.
      if (shortCode && v.indexOf('.') < 0) {
        const raw = v.replace(/-/g, '');
        if (raw.length <= 10) v = [raw.slice(0, 2), raw.slice(2, 6), raw.slice(6)].filter(Boolean).join('-');
      }
    }
    input.value = v.slice(0, Number(input.maxLength) > 0 ? input.maxLength : 128);
    input.focus();
  });
}
keypad(document.getElementById('keypad'), voucherInput, { shortCode: true });
keypad(document.getElementById('lookup-keypad'), lookupInput, { shortCode: false });

// A scanner "types" into whatever has focus: keep the voucher box focused on the start screen.
document.addEventListener('focusout', () => {
  setTimeout(() => {
    if (current === 'start' && (document.activeElement === document.body || !document.activeElement)) voucherInput.focus();
  }, 0);
});

// ---- check-in ----

voucherForm.addEventListener('submit', (e) => {
  e.preventDefault();
  const voucher = voucherInput.value.trim().replace(/\s+/g, '');
  if (!voucher) {
    voucherInput.focus();
    return;
  }
  checkIn({ voucher });
});

if (walkInForm) {
  walkInForm.addEventListener('submit', (e) => {
    e.preventDefault();
    const name = walkInForm.elements.name.value.trim();
    const idNumber = walkInForm.elements.idNumber.value.trim().replace(/\s+/g, '');
    const dose = Number(new FormData(walkInForm).get('dose') || 1);
    if (!name) return walkInForm.elements.name.focus();
    if (!idNumber) return walkInForm.elements.idNumber.focus();
    checkIn({ walkIn: { name, idNumber, dose } });
  });
}

async function checkIn(payload, retry = false) {
  if (!retry || !attempt) attempt = { payload, key: randomKey() };
  show('working', { focus: false });
  status.textContent = t('page.working');
  const path = `/api/v1/sites/${encodeURIComponent(site)}/checkins`;
  let r = await api('POST', path, attempt.payload, { 'Idempotency-Key': attempt.key });
  if (r.status === 0) {
    // The reply may have been lost after the ticket was made: the same key returns that ticket.
    await new Promise((res) => setTimeout(res, 1000));
    r = await api('POST', path, attempt.payload, { 'Idempotency-Key': attempt.key });
  }
  if (r.ok && r.data && r.data.ticket) {
    showTicket(r.data.ticket);
    attempt = null;
  } else {
    showRejection(r.error || { code: 'OTHER' }, { canRetry: true });
  }
}

// ---- where a ticket should be ----

function stationName(id, l) {
  if (!id) return '';
  return destination({ kind: id.split('-')[0], id }, l);
}

/** Where to go or wait: the ticket's where (lib/waits.lua, as the phone shows it) in words. */
function whereText(ticket, l) {
  if (!ticket.where) return '';
  const to = ticket.lastCall && ticket.lastCall.to;
  return t(`common.where.${ticket.where}`, { station: stationName(ticket.station || (to && to.id), l) }, l);
}

function both(fn) {
  return bilingual(fn(lang), fn(otherLang));
}

/**
 * A ticket in the box of id `box` (its number, stage and state on the box's data) and in its fields (element ids):
 * the number, where to go or wait, the people ahead and the predicted wait, as the new ticket and the look-up show them.
 */
function fillTicket(ticket, box, fields) {
  Object.assign(document.getElementById(box).dataset, { number: ticket.number, stage: ticket.stage, state: ticket.state });
  document.getElementById(fields.number).textContent = ticket.number;
  replaceChildren(document.getElementById(fields.where), both((l) => whereText(ticket, l)));
  document.getElementById(fields.ahead).textContent = String(ticket.peopleAhead ?? 0);
  replaceChildren(document.getElementById(fields.wait), both((l) => waitRange(ticket, l)));
}

function showTicket(ticket) {
  fillTicket(ticket, 'ticket', { number: 'ticket-number', where: 'ticket-where', ahead: 'ticket-ahead', wait: 'ticket-wait' });
  document.getElementById('ticket-time').textContent = `${hhmm(ticket.createdAt)} · ${(ticket.createdAt || '').slice(0, 10)}`;
  // the ticket's own page on a phone (PUBLIC_URL/t/site/number?k=), in the kiosk's language
  const qr = document.getElementById('ticket-qr');
  qr.dataset.url = `${ticket.trackUrl}&lang=${lang}`;
  drawQr(qr, qr.dataset.url);
  show('ticket');
  status.textContent = `${t('page.ticketHeading')} ${ticket.number}. ${whereText(ticket, lang)}`;
}

// ---- refusals ----

function siteList(l) {
  if (!walkInSites.length) return t('page.walkInSitesNone', null, l);
  return walkInSites.map((s) => `${s.name[l] || s.name.en} (${s.address[l] || s.address.en})`).join(t('page.listSeparator', null, l));
}

/** What went wrong (the server's catalogue) and what to do next at the kiosk (page.next, by code). */
function rejectionText(error, l) {
  const next = t(`page.next.${error.code}`, null, l) === `page.next.${error.code}` ? 'OTHER' : error.code;
  const vars = {
    siteName: error.siteName ? (error.siteName[l] || error.siteName.en) : (error.siteId || ''),
    address: error.address ? (error.address[l] || error.address.en) : '',
    day: dayText(error.day || (error.opensAt || '').slice(0, 10), l),
    time: hhmm(error.from || error.opensAt || error.until),
    open: error.hours ? error.hours.open : '',
    close: error.hours ? error.hours.close : '',
    number: error.number || '',
    sites: siteList(l),
    field: t(`common.fields.${error.field || 'body'}`, null, l),
  };
  return { title: errorText({ code: error.code }, {}, l), next: t(`page.next.${next}`, vars, l) };
}

function showRejection(error, { canRetry = false } = {}) {
  const code = error.code || 'OTHER';
  const primary = rejectionText(error, lang);
  const secondary = rejectionText(error, otherLang);
  document.getElementById('rejection').dataset.code = code;
  document.getElementById('rejection-title').textContent = primary.title;
  document.getElementById('rejection-next').textContent = primary.next;
  document.getElementById('rejection-title-2').textContent = secondary.title;
  document.getElementById('rejection-next-2').textContent = secondary.next;
  const transient = ['RATE_LIMITED', 'UNAVAILABLE', 'NETWORK'].includes(code);
  document.getElementById('rejection-retry').hidden = !(canRetry && transient && attempt);
  const numberBox = document.getElementById('rejection-number');
  numberBox.hidden = !(code === 'ALREADY_CHECKED_IN' && error.number);
  numberBox.textContent = error.number || '';
  const lookupBtn = document.getElementById('rejection-lookup');
  lookupBtn.hidden = !(code === 'ALREADY_CHECKED_IN' && error.number);
  lookupBtn.dataset.number = error.number || '';
  const qrBox = document.getElementById('rejection-qr-box');
  const bookQr = code === 'VOUCHER_INVALID' || code === 'WALK_IN_NOT_ALLOWED' || code === 'WALK_INS_STOPPED';
  qrBox.hidden = !bookQr;
  if (bookQr) drawQr(document.getElementById('rejection-qr'), `${location.origin}/book?lang=${lang}`);
  show('rejection');
  status.textContent = `${primary.title}. ${primary.next}`;
}

document.getElementById('rejection-retry').addEventListener('click', () => {
  if (attempt) checkIn(attempt.payload, true);
});
document.getElementById('rejection-lookup').addEventListener('click', (e) => lookUp(e.currentTarget.dataset.number));

// ---- where is my number? ----

lookupForm.addEventListener('submit', (e) => {
  e.preventDefault();
  const number = lookupInput.value.trim().toUpperCase();
  if (!number) return lookupInput.focus();
  lookUp(number);
});

async function lookUp(number) {
  show('working', { focus: false });
  const r = await api('GET', `/api/v1/sites/${encodeURIComponent(site)}/tickets/${encodeURIComponent(number)}`);
  if (!r.ok) {
    showRejection(r.error || { code: 'OTHER' });
    return;
  }
  const tk = r.data;
  fillTicket(tk, 'lookup-result', { number: 'lookup-result-number', where: 'lookup-where', ahead: 'lookup-ahead', wait: 'lookup-wait' });
  const stageKey = tk.state === 'no-show' ? 'noShow' : tk.stage;
  replaceChildren(document.getElementById('lookup-stage'), both((l) => t(`common.stages.${stageKey}`, null, l)));
  replaceChildren(document.getElementById('lookup-state'), both((l) => t(`common.states.${tk.state}`, null, l)));
  replaceChildren(document.getElementById('lookup-last-call'), both((l) => (tk.lastCall
    ? t('page.lastCallValue', { time: hhmm(tk.lastCall.at), to: destination(tk.lastCall.to, l) }, l)
    : t('page.notCalled', null, l))));
  show('lookup-result');
  status.textContent = `${tk.number}: ${whereText(tk, lang)}`;
}

// ---- printing and the waiting figures ----

document.getElementById('print-ticket').addEventListener('click', () => {
  extendCountdown();
  window.print();
});

async function refreshWait() {
  const r = await api('GET', `/api/v1/sites/${encodeURIComponent(site)}/state`);
  const box = document.getElementById('wait-now-box');
  if (!r.ok || !r.data) {
    box.hidden = true;
    return;
  }
  const waiting = r.data.waiting || 0; // each person once (a ticket called to the room is still in the hall)
  document.getElementById('wait-now').textContent = t('page.waitNowValue', { waiting, wait: waitText(r.data.predictedWaitMin) });
  // of whom waiting away from the hall (they keep their place and are called back)
  const away = (r.data.counts && r.data.counts.away) || 0;
  const awayNow = document.getElementById('away-now');
  awayNow.hidden = away === 0;
  awayNow.textContent = away === 0 ? '' : t('page.awayNow', { away });
  box.hidden = false;
  // Closed: say when it opens, with its hours, in both languages.
  const closed = document.getElementById('closed-now');
  closed.hidden = r.data.open !== false;
  if (!closed.hidden) {
    const vars = { time: hhmm(r.data.opensAt), open: r.data.hours.open, close: r.data.hours.close };
    replaceChildren(closed, both((l) => t('page.closedNow', vars, l)));
  }
}

refreshWait();
setInterval(refreshWait, 15000);

// A QR code from a ticket opens this page at that number ("where is my number?" on a phone).
const fromQr = new URLSearchParams(location.search).get('ticket');
if (fromQr && /^[APW]\d{3,5}$/i.test(fromQr)) lookUp(fromQr.toUpperCase());
else show('start');

