// plan.js — the dashboard's capacity planner panel: GET /plan (today's bookings plus the walk-ins:
// today's as the server counts them, or the manager's figure per hour when one is typed) shown hour
// by hour: arrivals, desks and booths needed for the target wait, the predicted wait and queue, the
// wait one desk or one booth short, the bottleneck stage marked.

import { $, site, t, el, api, replaceChildren } from './page.js';

const base = `/api/v1/sites/${encodeURIComponent(site)}`;
const min = (v) => `${v} min`;

function row(h) {
  const desk = h.bottleneck === 'desk';
  const mark = (text, on) => el('td', { class: on ? 'plan-bottleneck' : null }, text);
  return el('tr', null,
    el('th', { scope: 'row' }, h.hour),
    el('td', null, String(h.arrivals)),
    el('td', null, `${h.desksNeeded} / ${h.boothsNeeded}`),
    mark(`${min(h.waitMin)} (${h.deskWaitMin} + ${h.boothWaitMin})`, h.waitMin > 0),
    el('td', null, h.minusOneDesk ? min(h.minusOneDesk.waitMin) : '—'),
    el('td', null, h.minusOneBooth ? min(h.minusOneBooth.waitMin) : '—'),
    mark(t(desk ? 'page.planDesk' : 'page.planBooth'), true));
}

async function run() {
  const typed = $('plan-walkins').value.trim();
  const query = typed === '' ? '' : `?walkInsPerHour=${encodeURIComponent(Math.max(0, Number(typed) || 0))}`;
  $('plan-feedback').textContent = '';
  const r = await api('GET', `${base}/plan${query}`);
  if (!r.ok) {
    $('plan-feedback').textContent = t('page.planFailed', { message: (r.error && r.error.message) || r.status });
    return;
  }
  const p = r.data;
  const head = el('tr', null, ...['planHour', 'planArrivals', 'planNeeded', 'planWait', 'planMinusDesk', 'planMinusBooth', 'planBottleneck']
    .map((k) => el('th', { scope: 'col' }, t(`page.${k}`))));
  replaceChildren($('plan-table'), el('table', { class: 'data-table plan-table' },
    el('thead', null, head), el('tbody', null, ...p.hours.map(row))));
  const walkIns = { today: 'page.planWalkInsToday', entered: 'page.planWalkInsEntered', none: 'page.planWalkInsNone' }[p.walkIns.source];
  $('plan-feedback').textContent = `${t(walkIns, { perHour: p.walkIns.perHour })} `
    + t('page.planTarget', { target: p.targetWaitMin, desks: p.desks, booths: p.booths, clear: p.clearMin });
}

if ($('plan-run')) $('plan-run').addEventListener('click', run);
