// book.js — the booking page: a person's details, dose, day and community (or their location)
// go to POST /api/v1/bookings, which texts a one-time code to their phone (202); the same request
// with the code books (201), shown as a printable voucher with its QR code. "Your bookings" looks a
// person's bookings up, changes or cancels one, with a code texted to the phone they booked with.
// In demo mode the API's reply carries the code (demoCode) and the page shows it. Each error the
// API names a field for is shown next to that field.

import { $, lang, t, el, api, errorText, bilingual, replaceChildren, dayText, waitText, parseJson } from './page.js';
import { drawQr } from './qr.js';

const body = document.body;
const form = $('book-form');
const submit = $('submit');
const sites = parseJson(body.dataset.sites, []);
const earlyMin = Number(body.dataset.checkinEarlyMin) || 60;
const STORE_KEY = 'vaxflow.book.last';

const FIELDS = ['name', 'idType', 'idNumber', 'phone', 'dose', 'day', 'community', 'location', 'priority'];
// API fields shown at another field of the form
const SHOWN_AT = { lat: 'location', lon: 'location', siteId: 'community' };

let position = null; // {lat, lon} once the browser gave it

// ---- errors ----

function fieldInput(field) {
  if (field === 'location') return $('locate');
  if (field === 'dose' || field === 'priority') return form.querySelector(`input[name=${field}]:checked`) || form.querySelector(`input[name=${field}]`);
  return $(field);
}

function setFieldError(field, text) {
  const box = $(`${field}-error`);
  if (!box) return false;
  box.textContent = text || '';
  const wrap = box.closest('.field');
  if (wrap) wrap.classList.toggle('field-invalid', !!text);
  const input = fieldInput(field);
  if (input) {
    if (text) input.setAttribute('aria-invalid', 'true');
    else input.removeAttribute('aria-invalid');
  }
  return true;
}

/** An error notice above a form (its box by id), focused; none when text is empty. */
function notice(id, text) {
  const box = $(id);
  box.hidden = !text;
  replaceChildren(box, text ? [el('span', { class: 'notice-icon', 'aria-hidden': 'true' }, '!'), el('span', null, text)] : []);
  if (text) box.focus();
}

function formError(text) {
  notice('form-error', text);
}

function clearErrors() {
  FIELDS.forEach((f) => setFieldError(f, ''));
  formError('');
}

function focusField(field) {
  const input = fieldInput(field);
  if (input) {
    input.focus();
    input.scrollIntoView({ block: 'center', behavior: 'smooth' });
  }
}

/** The API's error, next to the field it names when it names one of ours. */
function showError(error) {
  const code = error && error.code ? error.code : 'OTHER';
  if (code === 'INVALID_INPUT' && error.field) {
    const field = SHOWN_AT[error.field] || error.field;
    const known = FIELDS.includes(field);
    const text = known ? t(`page.fields.${field}`) : error.message;
    if (known && setFieldError(field, text)) {
      focusField(field);
      return;
    }
    formError(text || t('page.fields.body'));
    return;
  }
  if (code === 'NO_CAPACITY' || code === 'SITE_CLOSED') {
    setFieldError('day', `${errorText(error)} ${t('page.chooseAnotherDay')}`);
    focusField('day');
    return;
  }
  if (code === 'RATE_LIMITED') {
    formError(`${errorText(error)} ${t('page.retryIn', { s: error.retryAfterSec || 1 })}`);
    return;
  }
  formError(errorText(error));
  if (code === 'ALREADY_BOOKED') {
    const box = $('form-error');
    box.appendChild(el('button', { type: 'button', class: 'btn btn-secondary btn-small', onclick: () => openManage(request()) },
      t('page.manageAlready')));
  }
}

// ---- where: community or location ----

function where() {
  const checked = form.querySelector('input[name=where]:checked');
  return checked ? checked.value : 'community';
}

function showWhere() {
  const byLocation = where() === 'location';
  $('community-field').hidden = byLocation;
  $('location-field').hidden = !byLocation;
  setFieldError('community', '');
  setFieldError('location', '');
}

form.querySelectorAll('input[name=where]').forEach((r) => r.addEventListener('change', showWhere));

$('locate').addEventListener('click', () => {
  const status = $('location-status');
  setFieldError('location', '');
  if (!navigator.geolocation || !window.isSecureContext) {
    status.textContent = '';
    setFieldError('location', t('page.locationUnavailable'));
    return;
  }
  status.textContent = t('page.locating');
  navigator.geolocation.getCurrentPosition((p) => {
    position = { lat: Math.round(p.coords.latitude * 1e5) / 1e5, lon: Math.round(p.coords.longitude * 1e5) / 1e5 };
    status.textContent = t('page.located', { lat: position.lat.toFixed(4), lon: position.lon.toFixed(4) });
  }, (err) => {
    position = null;
    status.textContent = '';
    setFieldError('location', t('page.locationDenied', { reason: err && err.message ? err.message : String(err && err.code) }));
  }, { enableHighAccuracy: false, timeout: 15000, maximumAge: 600000 });
});

// ---- booking ----

function request() {
  const v = (name) => (form.elements[name].value || '').trim();
  const out = {
    name: v('name'),
    idNumber: v('idNumber').toUpperCase(),
    phone: v('phone'),
    dose: Number((form.querySelector('input[name=dose]:checked') || {}).value || 1),
    day: v('day'),
  };
  if (where() === 'location') {
    if (position) {
      out.lat = position.lat;
      out.lon = position.lon;
    }
  } else if (v('community')) {
    out.community = v('community');
  }
  const priority = (form.querySelector('input[name=priority]:checked') || {}).value;
  if (priority) out.priority = priority;
  if (v('idType') && v('idType') !== 'resident') out.idType = v('idType');
  if ($('anaphylaxisHistory').checked) out.anaphylaxisHistory = true;
  return out;
}

/** What is missing, checked before asking the server (which checks everything again). */
function missing(b) {
  if (!b.name) return 'name';
  if (!b.idNumber) return 'idNumber';
  if (!b.phone) return 'phone';
  if (!b.day) return 'day';
  if (where() === 'community' && !b.community) return 'community';
  if (where() === 'location' && b.lat === undefined) return 'location';
  return null;
}

form.addEventListener('submit', async (e) => {
  e.preventDefault();
  clearErrors();
  const b = request();
  const gap = missing(b);
  if (gap) {
    setFieldError(gap, gap === 'location' ? t('page.locateFirst') : t(`page.fields.${gap}`));
    focusField(gap);
    return;
  }
  const r = await working(submit, () => api('POST', '/api/v1/bookings', b));
  if (!r.ok) {
    showError(r.error);
    return;
  }
  // 202: a code is on its way to the phone; the same request with it books
  askCode('/api/v1/bookings', b, r.data, 'form-view', (booked) => {
    try { sessionStorage.setItem(STORE_KEY, JSON.stringify({ booking: booked })); } catch (err) { /* private mode */ }
    showVoucher(booked);
  });
});

/** Runs a request with its button showing that it works. */
async function working(button, call) {
  const label = button.textContent;
  button.disabled = true;
  button.textContent = button.dataset.working || label;
  try {
    return await call();
  } finally {
    button.disabled = false;
    button.textContent = label;
  }
}

/** Shows one of the page's views, hiding the others, and moves the focus to its heading. */
function showView(id, focus) {
  for (const v of ['form-view', 'code-view', 'manage-view', 'held-view', 'voucher-view']) $(v).hidden = v !== id;
  window.scrollTo(0, 0);
  if (focus) $(focus).focus();
}

// ---- the code step (booking, and a look-up of one's bookings) ----

let step = null; // {path, body, back, done}: the request a code completes

function askCode(path, body, sent, back, done) {
  step = { path, body, back, done };
  $('code-sent').textContent = t('page.codeSent', { to: sent.to, min: Math.round((sent.expiresInSec || 300) / 60) });
  const demo = $('code-demo');
  demo.hidden = !sent.demoCode;
  demo.textContent = sent.demoCode ? t('page.codeDemo', { code: sent.demoCode }) : '';
  $('code').value = '';
  codeError('');
  showView('code-view', 'code-heading');
}

function codeError(text) {
  const box = $('code-error');
  box.textContent = text || '';
  box.closest('.field').classList.toggle('field-invalid', !!text);
  if (text) $('code').setAttribute('aria-invalid', 'true');
  else $('code').removeAttribute('aria-invalid');
  const top = $('code-form-error');
  top.hidden = true;
  top.textContent = '';
}

function codeFormError(text) {
  notice('code-form-error', text);
}

/** What the page says of a refused code: tries left, or ask for a new one. */
function codeText(error) {
  const left = Number(error.attemptsLeft || 0);
  return left > 0 ? t('page.codeWrong', { n: left }) : t('page.codeGone');
}

$('code-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  codeError('');
  const code = ($('code').value || '').replace(/\s+/g, '');
  if (!/^\d{6}$/.test(code)) {
    codeError(t('page.fields.code'));
    $('code').focus();
    return;
  }
  const r = await working($('code-submit'), () => api('POST', step.path, { ...step.body, code }));
  if (r.ok) {
    step.code = code;
    step.done(r.data, code);
    return;
  }
  if (r.error.code === 'CODE_INVALID') {
    codeError(codeText(r.error));
    $('code').focus();
    return;
  }
  if (step.path === '/api/v1/bookings') { // refused after the code (the day filled meanwhile, ...): back to the form
    showView('form-view');
    showError(r.error);
    return;
  }
  codeFormError(errorText(r.error));
});

$('code-resend').addEventListener('click', async () => {
  const r = await working($('code-resend'), () => api('POST', step.path, step.body));
  if (!r.ok) {
    codeFormError(r.error.code === 'RATE_LIMITED' ? `${errorText(r.error)} ${t('page.retryIn', { s: r.error.retryAfterSec || 1 })}` : errorText(r.error));
    return;
  }
  askCode(step.path, step.body, r.data, step.back, step.done);
});

$('code-back').addEventListener('click', () => showView(step ? step.back : 'form-view', step && step.back === 'manage-view' ? 'manage-heading' : null));

// ---- your bookings: look up, change, cancel, erase ----

const M_FIELDS = ['idType', 'idNumber', 'phone'];
let person = null; // {idNumber, idType?, phone} of the bookings shown, and the code that showed them
let personCode = '';

function manageError(field, text) {
  const box = $(`m-${field}-error`);
  box.textContent = text || '';
  box.closest('.field').classList.toggle('field-invalid', !!text);
  if (text) $(`m-${field}`).setAttribute('aria-invalid', 'true');
  else $(`m-${field}`).removeAttribute('aria-invalid');
}

function manageFormError(text) {
  notice('manage-form-error', text);
}

function openManage(from) {
  $('m-idType').value = (from && from.idType) || 'resident';
  $('m-idNumber').value = (from && from.idNumber) || '';
  $('m-phone').value = (from && from.phone) || '';
  M_FIELDS.forEach((f) => manageError(f, ''));
  manageFormError('');
  showView('manage-view', 'manage-heading');
}

$('open-manage').addEventListener('click', () => openManage(null));
$('manage-back').addEventListener('click', () => showView('form-view'));
$('held-done').addEventListener('click', () => showView('form-view'));

$('manage-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  M_FIELDS.forEach((f) => manageError(f, ''));
  manageFormError('');
  const who = { idNumber: ($('m-idNumber').value || '').trim().toUpperCase(), phone: ($('m-phone').value || '').trim() };
  if ($('m-idType').value !== 'resident') who.idType = $('m-idType').value;
  for (const f of ['idNumber', 'phone']) {
    if (!who[f]) {
      manageError(f, t(`page.fields.${f}`));
      $(`m-${f}`).focus();
      return;
    }
  }
  const r = await working($('manage-submit'), () => api('POST', '/api/v1/bookings/lookup', who));
  if (!r.ok) {
    if (r.error.code === 'INVALID_INPUT' && M_FIELDS.includes(r.error.field)) {
      manageError(r.error.field, t(`page.fields.${r.error.field}`));
      $(`m-${r.error.field}`).focus();
    } else {
      manageFormError(r.error.code === 'RATE_LIMITED' ? `${errorText(r.error)} ${t('page.retryIn', { s: r.error.retryAfterSec || 1 })}` : errorText(r.error));
    }
    return;
  }
  askCode('/api/v1/bookings/lookup', who, r.data, 'manage-view', (found, code) => {
    person = who;
    personCode = code;
    showHeld(found.bookings || [], '');
    nextDose(found.nextDose);
  });
});

/** A dose given offers the next one of its series: from which day it may be booked (none: nothing said). */
function nextDose(next) {
  const box = $('next-dose');
  box.hidden = !next;
  box.textContent = next ? t('page.nextDose', { dose: next.dose, day: next.earliestDay }) : '';
}

function heldStatus(text) {
  const box = $('held-status');
  box.hidden = !text;
  box.textContent = text || '';
}

function showHeld(bookings, status) {
  const list = $('held-list');
  replaceChildren(list, bookings.length ? bookings.map(heldCard) : [el('p', { class: 'notice' }, t('page.heldNone'))]);
  heldStatus(status);
  showView('held-view', status ? 'held-status' : 'held-heading');
}

/** One booking of the person: where and when, its code and QR, and what may change. */
function heldCard(b) {
  const names = b.siteNames || {};
  const id = `held-${b.dose}`;
  const qr = el('div', { class: 'qr-code held-qr', role: 'img', 'aria-label': t('page.qrCaption') });
  drawQr(qr, b.voucher);
  const days = $('day').cloneNode(true);
  days.id = `${id}-day`;
  days.name = 'day';
  days.removeAttribute('aria-describedby');
  days.value = b.day;
  const flag = el('input', { type: 'checkbox', id: `${id}-anaphylaxis` });
  flag.checked = !!b.anaphylaxisHistory;
  const confirm = el('button', { type: 'button', class: 'btn btn-secondary held-cancel-confirm', hidden: true,
    onclick: () => giveUpHeld(b, confirm, 'cancel') }, t('page.cancelConfirm'));
  const eraseConfirm = el('button', { type: 'button', class: 'btn btn-secondary held-erase-confirm', hidden: true,
    onclick: () => giveUpHeld(b, eraseConfirm, 'erase') }, t('page.eraseConfirm'));
  const save = el('button', { type: 'button', class: 'btn btn-primary held-save', 'data-working': t('page.working'),
    onclick: () => changeHeld(b, days.value, flag.checked, save) }, t('page.changeSave'));
  return el('article', { class: 'card held-card', id, 'aria-labelledby': `${id}-site` },
    el('dl', { class: 'held-code-side voucher-code-pair' }, el('dt', { class: 'voucher-code-label' }, t('page.code')),
      el('dd', { class: 'voucher-code' }, b.code || b.appointmentId), el('dd', null, qr)),
    el('div', { class: 'held-facts' },
      el('p', { class: 'card-title' }, t('page.heldDose', { n: b.dose })),
      el('h2', { class: 'voucher-site', id: `${id}-site` }, bilingual(names[lang] || b.siteName, names[otherLangOf()])),
      el('p', { class: 'held-when' }, `${dayText(b.day, lang)} · ${b.slot}`),
      b.anaphylaxisHistory ? el('p', { class: 'tag' }, t('page.heldAnaphylaxis')) : null,
      el('fieldset', { class: 'held-change' },
        el('legend', { class: 'card-title' }, t('page.changeTitle')),
        el('div', { class: 'field' }, el('label', { htmlFor: days.id }, t('page.day')), days),
        el('label', { class: 'check', htmlFor: flag.id }, flag, el('span', null, t('page.anaphylaxis'))),
        save),
      el('div', { class: 'held-actions' },
        el('button', { type: 'button', class: 'btn btn-quiet held-cancel', onclick: (ev) => { ev.target.hidden = true; confirm.hidden = false; confirm.focus(); } },
          t('page.cancel')),
        confirm,
        el('button', { type: 'button', class: 'btn btn-quiet held-erase', onclick: (ev) => { ev.target.hidden = true; eraseConfirm.hidden = false; eraseConfirm.focus(); } },
          t('page.erase')),
        eraseConfirm)));
}

function otherLangOf() {
  return lang === 'zh' ? 'en' : 'zh';
}

/** A refused change or cancellation: a used-up code asks for a new one (the look-up again). */
function heldRefused(error) {
  if (error.code === 'CODE_INVALID') {
    heldStatus(t('page.codeGone'));
    openManage(person);
    manageFormError(t('page.codeGone'));
    return;
  }
  heldStatus(errorText(error));
  $('held-status').focus();
}

async function changeHeld(b, day, anaphylaxisHistory, button) {
  const body = { ...person, code: personCode, dose: b.dose, anaphylaxisHistory };
  if (day !== b.day) body.day = day;
  const r = await working(button, () => api('POST', '/api/v1/bookings/change', body));
  if (!r.ok) {
    heldRefused(r.error);
    return;
  }
  const what = (r.data.changed || []).map((c) => t(`page.changedWhat.${c}`)).join(lang === 'zh' ? '、' : ', ');
  // the code is used up by a change: the list shows the booking as it is now
  showHeld([r.data.booking], what ? t('page.changed', { what }) : t('page.nothingChanged'));
}

/** A booking cancelled, or erased with what is kept of the person ({@code how}: cancel | erase). */
async function giveUpHeld(b, button, how) {
  const r = await working(button, () => api('POST', `/api/v1/bookings/${how}`, { ...person, code: personCode, dose: b.dose }));
  if (!r.ok) {
    heldRefused(r.error);
    return;
  }
  const done = how === 'erase' ? r.data.erased : r.data.cancelled;
  showHeld([], t(how === 'erase' ? 'page.erased' : 'page.cancelled', { code: done.code || done.appointmentId }));
}

FIELDS.forEach((f) => {
  const input = $(f);
  if (input) input.addEventListener('input', () => setFieldError(f, ''));
});

// ---- the voucher ----

function addMinutes(hhmmText, minutes) {
  const m = /^(\d{1,2}):(\d{2})/.exec(hhmmText || '');
  if (!m) return '';
  let total = (+m[1] * 60 + +m[2] + minutes) % 1440;
  if (total < 0) total += 1440;
  return `${String(Math.floor(total / 60)).padStart(2, '0')}:${String(total % 60).padStart(2, '0')}`;
}

function reasonIn(a, l) {
  const km = (v) => Number(v).toFixed(1);
  const n = a.nearest || {};
  const nearestName = (n.siteNames || {})[l] || n.siteId || '';
  switch (a.reasonCode) {
    case 'LESS_WAIT':
      return t('page.reasonLessWait', { km: km(a.distanceKm), wait: a.sitePredictedWaitMin, nearest: nearestName,
        nearestKm: km(n.distanceKm), nearestWait: n.predictedWaitMin }, l);
    case 'NEAREST_FULL':
      return t('page.reasonNearestFull', { km: km(a.distanceKm), nearest: nearestName }, l);
    case 'NEAREST':
      return t('page.reasonNearest', { km: km(a.distanceKm) }, l);
    default:
      return t('page.reasonChosen', null, l);
  }
}

function showVoucher(a) {
  const names = a.siteNames || {};
  const address = a.address || {};
  const other = lang === 'zh' ? 'en' : 'zh';
  replaceChildren($('voucher-site'), bilingual(names[lang] || a.siteName, names[other]));
  $('voucher-address').textContent = address[lang] || '';
  replaceChildren($('voucher-reason'), bilingual(reasonIn(a, lang), reasonIn(a, other)));
  $('voucher-day').textContent = dayText(a.day, lang);
  const site = sites.find((s) => s.id === a.siteId);
  const slotEnd = site ? addMinutes(a.slot, site.slotMin) : '';
  const from = addMinutes(a.slot, -earlyMin);
  replaceChildren($('voucher-slot'),
    el('span', null, slotEnd ? t('page.slotValue', { from: a.slot, to: slotEnd }) : a.slot),
    el('span', { class: 'secondary' }, t('page.checkinFrom', { time: from })));
  $('voucher-wait').textContent = waitText(a.predictedWaitMin, lang);
  const hasKm = a.distanceKm !== null && a.distanceKm !== undefined;
  $('voucher-distance-row').hidden = !hasKm;
  $('voucher-distance').textContent = hasKm ? t('page.distanceValue', { km: Number(a.distanceKm).toFixed(1) }) : '';
  const tag = $('voucher-priority');
  tag.hidden = !a.priority;
  tag.textContent = a.priority ? t('page.priorityLane', { reason: t(`page.priorities.${a.priority}`) }) : '';
  $('voucher-bring').textContent = t('page.bring', { time: from });
  $('voucher-code').textContent = a.code || a.appointmentId || '';
  drawQr($('voucher-qr'), a.voucher);
  $('voucher').dataset.siteId = a.siteId || '';
  showView('voucher-view', 'voucher-heading');
}

$('print').addEventListener('click', () => window.print());

$('another').addEventListener('click', () => {
  try { sessionStorage.removeItem(STORE_KEY); } catch (e) { /* ignore */ }
  form.reset();
  position = null;
  $('location-status').textContent = '';
  showWhere();
  clearErrors();
  showView('form-view', 'name');
});

// A reload keeps the voucher on screen (this tab only).
(() => {
  let saved = null;
  try { saved = parseJson(sessionStorage.getItem(STORE_KEY), null); } catch (e) { /* ignore */ }
  if (saved && saved.booking && saved.booking.voucher) showVoucher(saved.booking);
  else showWhere();
})();
