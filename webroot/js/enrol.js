// enrol.js — enrolling this browser as a device of the site: the one-time code typed (or filled in from the QR
// code's link, ?code=), sent to POST /devices/enrol; the server sets the device's credential (an HttpOnly cookie)
// and says what the device is for, and the page links to that page.

import { $, site, t, api, errorText } from './page.js';

const form = $('enrol-form');
const input = $('enrol-code');

/** What was typed or scanned: a code, or the link that carries one (a scanner types the whole URL). */
function codeOf(text) {
  const m = /[?&]code=([^&#\s]+)/i.exec(text || '');
  return (m ? decodeURIComponent(m[1]) : text || '').trim();
}

const given = new URLSearchParams(location.search).get('code');
if (given) input.value = codeOf(given);
input.focus();

form.addEventListener('submit', async (e) => {
  e.preventDefault();
  const code = codeOf(input.value);
  if (!code) return input.focus();
  const button = $('enrol-submit');
  button.disabled = true;
  button.textContent = t('page.working');
  $('enrol-error').textContent = '';
  const r = await api('POST', `/api/v1/sites/${encodeURIComponent(site)}/devices/enrol`, { code });
  button.disabled = false;
  button.textContent = t('page.submit');
  if (!r.ok) {
    $('enrol-error').textContent = errorText(r.error);
    input.focus();
    return;
  }
  const d = r.data.device;
  const role = t(`common.device.roles.${d.role}`);
  $('enrol-done-text').textContent = t('page.done', { role, name: d.name });
  const open = $('enrol-open');
  open.textContent = t('page.open', { role });
  open.href = `${r.data.page}${location.search.includes('lang=') ? `?lang=${document.body.dataset.lang}` : ''}`;
  $('enrol-done').hidden = false;
  input.value = '';
  open.focus();
});
