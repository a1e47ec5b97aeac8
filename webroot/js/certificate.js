// certificate.js — a vaccination certificate as a person sees it: its QR code (the signed text, which anyone can
// check against /.well-known/vaxflow-keys) and what it says, in the page's words. Used by the printable
// certificate page and by the phone's track page once the ticket is released.

import { el, t, lang } from './page.js';
import { drawQr } from './qr.js';

/** The certificate of a ticket (GET .../tickets/{number}/certificate?k=): {ok, json} or the API's error. */
export async function fetchCertificate(site, number, k) {
  const url = `/api/v1/sites/${encodeURIComponent(site)}/tickets/${encodeURIComponent(number)}/certificate?k=${encodeURIComponent(k || '')}`;
  try {
    const r = await fetch(url, { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
    const json = await r.json().catch(() => ({}));
    return { ok: r.ok, status: r.status, json };
  } catch (e) {
    return { ok: false, status: 0, json: {} };
  }
}

/** A date or time as the site wrote it (its own offset: the wall clock at the site, wherever the phone is), in words. */
function siteTime(iso, options) {
  const m = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}):(\d{2}))?/.exec(iso || '');
  if (!m) return iso || '';
  const d = new Date(`${m[1]}T${m[2] || '12'}:${m[3] || '00'}:00Z`);
  return new Intl.DateTimeFormat(lang === 'zh' ? 'zh-CN' : 'en', { timeZone: 'UTC', ...options }).format(d);
}

/** Draws the certificate {certificate, claims, productName, siteName} into {qr, facts}. */
export function showCertificate({ qr, facts, verify }, c) {
  drawQr(qr, c.certificate);
  const claims = c.claims || {};
  const rows = [
    ['product', (c.productName && c.productName[lang]) || claims.product],
    ['lot', claims.lot],
    ['dose', t('common.certificate.doseN', { dose: claims.dose })],
    ['date', siteTime(claims.date, { dateStyle: 'long' })],
    ['site', (c.siteName && c.siteName[lang]) || claims.site],
    ['maskedId', claims.maskedId || '—'],
    ['issuedAt', siteTime(claims.issuedAt, { dateStyle: 'medium', timeStyle: 'short' })],
  ];
  facts.textContent = '';
  for (const [key, value] of rows) {
    facts.appendChild(el('div', { class: 'certificate-fact', 'data-key': key },
      el('dt', {}, t(`common.certificate.${key}`)), el('dd', {}, String(value ?? ''))));
  }
  if (verify) {
    verify.textContent = t('common.certificate.verifyNote', { url: `${location.origin}/api/v1/certificates/verify`,
      keys: `${location.origin}/.well-known/vaxflow-keys` });
  }
}
