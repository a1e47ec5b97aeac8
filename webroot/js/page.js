// page.js — what every page script shares: the page's data attributes, its words in both
// languages (the dictionaries and the error catalogue, rendered into the page by the server),
// safe element building and calls to the HTTP API that never throw.

const body = document.body;

export const site = body.dataset.site || '';
export const lang = body.dataset.lang === 'zh' ? 'zh' : 'en';
export const otherLang = lang === 'zh' ? 'en' : 'zh';
export const timeZone = body.dataset.timeZone || undefined;

const words = parseJson(body.dataset.i18n, {});

/** The element of that id. */
export const $ = (id) => document.getElementById(id);

export function parseJson(text, fallback) {
  try {
    return text ? JSON.parse(text) : fallback;
  } catch (e) {
    return fallback;
  }
}

export function htmlLang(l) {
  return l === 'zh' ? 'zh-CN' : 'en';
}

/** Fills {name} placeholders. */
export function fmt(text, vars) {
  return String(text).replace(/\{(\w+)\}/g, (m, k) => (vars && vars[k] !== undefined && vars[k] !== null ? String(vars[k]) : m));
}

function lookup(l, key) {
  let v = words[l];
  for (const part of key.split('.')) {
    if (v === undefined || v === null) return undefined;
    v = v[part];
  }
  return v;
}

/** A text, or its plural forms {count, one, other} (Java: view/Words) as the count in {@code vars} decides. */
function text(v, vars, l) {
  if (typeof v === 'string') return v;
  if (!v || typeof v !== 'object' || typeof v.other !== 'string') return undefined;
  const n = Number(vars && vars[v.count]);
  const form = Number.isFinite(n) ? new Intl.PluralRules(htmlLang(l)).select(n) : 'other';
  return typeof v[form] === 'string' ? v[form] : v.other;
}

/**
 * A word of the page ("page.x.y"), of every page ("common.x") or an error's ("errors.CODE"), in
 * the page's language unless told.
 */
export function t(key, vars, l = lang) {
  let v = text(lookup(l, key), vars, l);
  if (v === undefined) v = text(lookup('en', key), vars, 'en');
  if (v === undefined) return key;
  return fmt(v, vars);
}

function has(key, l) {
  return text(lookup(l, key), null, l) !== undefined;
}

/**
 * What the page says of an API error: the catalogue's message for its code (errors/ErrorCode),
 * with the field it names, and the ticket number it concerned when the page knows it ({@code number}).
 */
export function errorText(error, { number } = {}, l = lang) {
  const e = error || {};
  const code = e.reason === 'CSRF' ? 'UNAUTHENTICATED' : e.code || 'OTHER';
  let message = has(`errors.${code}`, l) ? t(`errors.${code}`, null, l)
    : has(`common.errors.${code}`, l) ? t(`common.errors.${code}`, null, l) : t('common.errors.OTHER', { code }, l);
  if (e.field && has(`common.fields.${e.field}`, l)) message = t('common.errorField', { message, field: t(`common.fields.${e.field}`, null, l) }, l);
  return number ? t('common.errorAbout', { number, message }, l) : message;
}

/** An element with attributes and children (strings become text, never HTML). */
export function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'class') node.className = v;
      else if (k === 'text') node.textContent = v;
      else if (k.startsWith('data-') || k.startsWith('aria-') || k === 'lang' || k === 'role' || k === 'id'
        || k === 'type' || k === 'value' || k === 'datetime' || k === 'hidden' || k === 'title') {
        node.setAttribute(k, v === true ? '' : String(v));
      } else {
        node[k] = v;
      }
    }
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    node.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
  return node;
}

/** The text in the page's language, then the same in the other language, smaller, marked with its lang. */
export function bilingual(primary, secondary, tag = 'span') {
  const out = document.createDocumentFragment();
  out.appendChild(el(tag, { class: 'primary', lang: htmlLang(lang) }, primary));
  if (secondary && secondary !== primary) {
    out.appendChild(el(tag, { class: 'secondary', lang: htmlLang(otherLang) }, secondary));
  }
  return out;
}

export function replaceChildren(node, ...children) {
  node.textContent = '';
  for (const c of children.flat()) {
    if (c === undefined || c === null) continue;
    node.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
  }
}

/** "about 8 min" / "no wait". */
export function waitText(minutes, l = lang) {
  const n = Number(minutes);
  if (!Number.isFinite(n) || n <= 0) return t('common.noWait', null, l);
  return t('common.aboutMinutes', { n: Math.round(n) }, l);
}

/** "12–18 min" from a ticket's or a site's predictedWaitLowMin/HighMin; waitText without a range. */
export function waitRange(w, l = lang) {
  const lo = Number(w && w.predictedWaitLowMin), hi = Number(w && w.predictedWaitHighMin);
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || hi <= 0 || hi <= lo) return waitText(w && w.predictedWaitMin, l);
  return t('common.minutesRange', { lo: Math.round(lo), hi: Math.round(hi) }, l);
}

/** HH:MM of an ISO time with offset, in the site's own time (the offset it was written with). */
export function hhmm(iso) {
  const m = /T(\d{2}):(\d{2})/.exec(iso || '');
  return m ? `${m[1]}:${m[2]}` : '';
}

/** A destination's name as a heading: the call's words (common.call.to, as the server says them), "Registration desk 2". */
export function destination(to, l = lang) {
  if (!to) return '';
  const n = String(to.id || '').split('-')[1] || '';
  const label = (to.label && to.label[l]) || (has(`common.call.to.${to.kind}`, l) ? t(`common.call.to.${to.kind}`, { n }, l) : '');
  if (!label) return String(to.id || to.kind || '');
  const s = l === 'en' ? label.replace(/^the\s+/i, '') : label;
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Orders stream ids "1732400000000-3" numerically; null sorts first. */
export function compareEventIds(a, b) {
  if (a === b) return 0;
  if (!a) return -1;
  if (!b) return 1;
  const [am, as] = String(a).split('-').map(Number);
  const [bm, bs] = String(b).split('-').map(Number);
  return am !== bm ? am - bm : (as || 0) - (bs || 0);
}

/** A random key of 32 hex digits (works on plain-HTTP LAN pages, unlike crypto.randomUUID). */
export function randomKey() {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The CSRF token the server set at sign-in (double submit: echoed in a header on every write). */
function csrfToken() {
  const m = /(?:^|;\s*)vf_csrf=([^;]+)/.exec(document.cookie || '');
  return m ? decodeURIComponent(m[1]) : null;
}

/**
 * Calls the API. Resolves to {status, ok, data, error}; a network failure or timeout is
 * status 0 with error code NETWORK. Error bodies are the API's {error: {code, message, ...}}.
 */
export async function api(method, path, payload, headers, timeoutMs = 10000) {
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), timeoutMs);
  try {
    const init = { method, credentials: 'same-origin', headers: { Accept: 'application/json', ...(headers || {}) }, signal: ctl.signal };
    if (method !== 'GET' && method !== 'HEAD') {
      const csrf = csrfToken();
      if (csrf) init.headers['X-CSRF-Token'] = csrf;
    }
    if (payload !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(payload);
    }
    const res = await fetch(path, init);
    let data = null;
    if (res.status !== 204) {
      const text = await res.text();
      data = parseJson(text, null);
    }
    if (res.ok) return { status: res.status, ok: true, data };
    const error = data && data.error ? data.error : { code: res.status >= 500 ? 'UNAVAILABLE' : 'OTHER', message: res.statusText };
    return { status: res.status, ok: false, data, error };
  } catch (e) {
    return { status: 0, ok: false, data: null, error: { code: 'NETWORK', message: String(e && e.message || e) } };
  } finally {
    clearTimeout(timer);
  }
}

/** Formats an epoch-ms instant as HH:MM in the site's time zone. */
export function clockText(ms) {
  try {
    return new Intl.DateTimeFormat(htmlLang(lang), { hour: '2-digit', minute: '2-digit', hour12: false, timeZone }).format(new Date(ms));
  } catch (e) {
    return new Date(ms).toISOString().substring(11, 16);
  }
}

/** "2026-11-25" as a date people read, in the given language. */
export function dayText(day, l = lang) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day || '');
  if (!m) return day || '';
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  try {
    return new Intl.DateTimeFormat(htmlLang(l), { year: 'numeric', month: 'long', day: 'numeric', weekday: 'long', timeZone: 'UTC' }).format(d);
  } catch (e) {
    return day;
  }
}

/** Opens a {@code <dialog>} as a modal (or just shows it where modals are missing). */
export function openDialog(dialog) {
  if (typeof dialog.showModal === 'function') dialog.showModal();
  else dialog.setAttribute('open', '');
}

export function closeDialog(dialog) {
  if (typeof dialog.close === 'function' && dialog.open) dialog.close();
  else dialog.removeAttribute('open');
}
