// book.js — the booking page: a person's details, dose, day and community (or their location)
// go to POST /api/v1/bookings; the answer is shown as a printable voucher with its QR code.
// Each error the API names a field for is shown next to that field.

import { $, lang, t, el, api, errorText, bilingual, replaceChildren, dayText, waitText, parseJson } from './page.js';
import { drawQr } from './qr.js';

const body = document.body;
const form = $('book-form');
const submit = $('submit');
const sites = parseJson(body.dataset.sites, []);
const earlyMin = Number(body.dataset.checkinEarlyMin) || 60;
const STORE_KEY = 'vaxflow.book.last';

const FIELDS = ['name', 'idNumber', 'phone', 'dose', 'day', 'community', 'location', 'priority'];
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

function formError(text) {
  const box = $('form-error');
  box.hidden = !text;
  replaceChildren(box, text ? [el('span', { class: 'notice-icon', 'aria-hidden': 'true' }, '!'), el('span', null, text)] : []);
  if (text) box.focus();
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
  const label = submit.textContent;
  submit.disabled = true;
  submit.textContent = submit.dataset.working;
  const r = await api('POST', '/api/v1/bookings', b);
  submit.disabled = false;
  submit.textContent = label;
  if (!r.ok) {
    showError(r.error);
    return;
  }
  try { sessionStorage.setItem(STORE_KEY, JSON.stringify({ booking: r.data, again: r.status === 200 })); } catch (err) { /* private mode */ }
  showVoucher(r.data, r.status === 200);
});

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

function showVoucher(a, again) {
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
  $('voucher-again').hidden = !again;
  $('form-view').hidden = true;
  $('voucher-view').hidden = false;
  window.scrollTo(0, 0);
  $('voucher-heading').focus();
}

$('print').addEventListener('click', () => window.print());

$('another').addEventListener('click', () => {
  try { sessionStorage.removeItem(STORE_KEY); } catch (e) { /* ignore */ }
  form.reset();
  position = null;
  $('location-status').textContent = '';
  showWhere();
  clearErrors();
  $('voucher-view').hidden = true;
  $('form-view').hidden = false;
  $('name').focus();
});

// A reload keeps the voucher on screen (this tab only).
(() => {
  let saved = null;
  try { saved = parseJson(sessionStorage.getItem(STORE_KEY), null); } catch (e) { /* ignore */ }
  if (saved && saved.booking && saved.booking.voucher) showVoucher(saved.booking, saved.again);
  else showWhere();
})();
