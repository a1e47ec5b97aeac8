// devices.js — the dashboard's devices panel: the site's enrolled kiosks, hall displays and staff tablets
// (GET /devices), each with when and by whom it was enrolled, when it was last seen, and a Revoke button
// (after a confirmation); "Enrol a device" makes a one-time code (POST /devices/codes) shown with its QR code,
// which the device opens or types on /sites/{site}/enrol. dashboard.js starts it once a manager is signed in.

import { $, site, t, el, api, errorText, replaceChildren, clockText, openDialog, closeDialog } from './page.js';
import { drawQr } from './qr.js';

const base = `/api/v1/sites/${encodeURIComponent(site)}/devices`;
const REFRESH_MS = 10000;
let timer = null;
let shown = false;
let revoking = null; // the device the dialog asks about
let onGone = () => {};

function when(iso) {
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? clockText(ms) : '';
}

/** "Nov 24, 10:02" for an earlier day, "10:02" today. */
function stamp(iso) {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return '';
  const sameDay = new Date(ms).toDateString() === new Date().toDateString();
  if (sameDay) return when(iso);
  return `${new Date(ms).toISOString().substring(0, 10)} ${when(iso)}`;
}

function feedback(kind, text) {
  const box = $('devices-feedback');
  box.dataset.kind = text ? kind : '';
  replaceChildren(box, text ? [el('span', { class: 'feedback-icon', 'aria-hidden': 'true' }, kind === 'error' ? '!' : '\u2713'), el('span', null, text)] : []);
}

function row(d) {
  const role = t(`common.device.roles.${d.role}`);
  return el('tr', { 'data-device': d.id, 'data-role': d.role },
    el('th', { scope: 'row', class: 'device-name' }, d.name, el('span', { class: 'device-id muted' }, ` ${d.id}`)),
    el('td', null, role),
    el('td', null, t('page.devices.enrolledBy', { time: stamp(d.enrolledAt), by: d.enrolledBy })),
    el('td', null, stamp(d.lastSeen)),
    el('td', { class: 'action-col' }, el('button', {
      type: 'button', class: 'btn btn-small btn-secondary', 'data-revoke': d.id, 'data-name': d.name,
      'aria-label': t('page.devices.revokeLabel', { name: d.name }),
    }, t('page.devices.revoke'))));
}

async function refresh() {
  if (timer) clearTimeout(timer);
  timer = null;
  if (!shown) return;
  const r = await api('GET', base);
  if (!shown) return;
  if (r.ok && r.data) {
    const list = r.data.devices || [];
    replaceChildren($('devices-body'), list.map(row));
    $('devices-none').hidden = list.length > 0;
  } else if (r.status === 401) {
    onGone(r.error);
    return;
  } else {
    feedback('error', errorText(r.error));
  }
  timer = setTimeout(refresh, REFRESH_MS);
}

/** The panel for a signed-in manager; {@code gone} is told when the session ends (401/403). */
export function showDevices(gone) {
  onGone = gone || (() => {});
  shown = true;
  refresh();
}

export function hideDevices() {
  shown = false;
  if (timer) clearTimeout(timer);
  timer = null;
  $('enrol-code-box').hidden = true;
}

$('enrol-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const role = $('enrol-role').value;
  const name = $('enrol-name').value.trim();
  const button = $('enrol-make');
  button.disabled = true;
  feedback('', '');
  const r = await api('POST', `${base}/codes`, name ? { role, name } : { role });
  button.disabled = false;
  if (!r.ok) {
    if (r.status === 401) return onGone(r.error);
    feedback('error', errorText(r.error));
    return;
  }
  const c = r.data;
  const url = `${location.origin}${c.enrolPath}`;
  $('enrol-code-for').textContent = t('page.devices.codeFor', { role: t(`common.device.roles.${c.role}`), name: c.name });
  $('enrol-code').textContent = c.code;
  $('enrol-code-steps').textContent = t('page.devices.codeSteps', { url: `${location.origin}/sites/${site}/enrol`, time: when(c.expiresAt) });
  drawQr($('enrol-qr'), url);
  $('enrol-code-box').hidden = false;
  $('enrol-name').value = '';
  refresh();
});

$('devices-body').addEventListener('click', (e) => {
  const b = e.target.closest('button[data-revoke]');
  if (!b) return;
  revoking = { id: b.dataset.revoke, name: b.dataset.name };
  $('revoke-heading').textContent = t('page.devices.revokeConfirm', { name: revoking.name });
  openDialog($('revoke-dialog'));
  $('revoke-cancel').focus();
});

$('revoke-cancel').addEventListener('click', () => {
  revoking = null;
  closeDialog($('revoke-dialog'));
});

$('revoke-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  closeDialog($('revoke-dialog'));
  const d = revoking;
  revoking = null;
  if (!d) return;
  const r = await api('POST', `${base}/${encodeURIComponent(d.id)}/revoke`, {});
  if (r.ok) feedback('ok', t('page.devices.revoked', { name: d.name }));
  else if (r.status === 401) return onGone(r.error);
  else feedback('error', errorText(r.error));
  refresh();
});
