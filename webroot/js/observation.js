// observation.js — the observation tablet: sign in, then the people in observation with their
// countdown (polled every few seconds, counted down locally in between), and what its staff do:
// extend to the high-risk length, record a reaction, clear a severe one, release early.

import { $, site, t, el, api, errorText, hhmm, replaceChildren } from './page.js';
import { staffSession, sessionGone } from './staffpage.js';

const POLL_MS = 3000;
const ROUTE = 'GET /api/v1/sites/:site/observation';
const base = `/api/v1/sites/${encodeURIComponent(site)}/observation`;
const views = { loading: $('observation-loading'), login: $('login-view'), list: $('list-view') };

let people = [];
let fetchedAt = 0;
let skew = 0;             // the server's clock less this tablet's (a site may run on its own clock)
let pollTimer = null;
let tickTimer = null;
let reactionFor = null;

function feedback(kind, text) {
  const box = $('feedback');
  box.dataset.kind = kind;
  box.textContent = text || '';
}

const session = staffSession({ views, signedIn, signedOut });

function stopPolling() {
  clearInterval(pollTimer);
  clearInterval(tickTimer);
  pollTimer = tickTimer = null;
}

function signedOut() {
  stopPolling();
  people = [];
  replaceChildren($('observation-people'));
  $('observation-count').textContent = '';
  $('observation-empty').hidden = true;
}

async function signedIn() {
  session.show('list');
  const here = session.here();
  const allowed = !!(here && here.routes && here.routes.includes(ROUTE));
  $('not-allowed').hidden = allowed;
  $('observation-table').hidden = !allowed;
  if (!allowed) return;
  // the list is shown as the server has it from the first answer on: never emptied in between
  stopPolling();
  await refresh();
  pollTimer = setInterval(refresh, POLL_MS);
  tickTimer = setInterval(render, 1000);
}

async function refresh() {
  const r = await api('GET', base);
  if (!r.ok) {
    if (sessionGone(r)) return session.signOut(r.error);
    return feedback('error', errorText(r.error));
  }
  people = r.data.people || [];
  fetchedAt = Date.now();
  const serverNow = Date.parse(r.data.at);
  if (Number.isFinite(serverNow)) skew = serverNow - fetchedAt;
  render();
}

function left(p) {
  return Math.max(0, Math.round(p.secondsLeft - (Date.now() - fetchedAt) / 1000));
}

function leftText(p) {
  if (p.held) return t('page.held');
  const s = left(p);
  if (s <= 0) return t('page.due');
  return t('page.leftText', { m: Math.floor(s / 60), s: String(s % 60).padStart(2, '0') });
}

function button(label, onClick, primary) {
  return el('button', { type: 'button', class: primary ? 'btn btn-primary' : 'btn btn-secondary', onclick: onClick }, label);
}

function render() {
  $('observation-count').textContent = t('page.count', { n: people.length });
  $('observation-empty').hidden = people.length > 0;
  replaceChildren($('observation-people'), people.map((p) => {
    const last = p.reactions.length ? p.reactions[p.reactions.length - 1] : null;
    const minutes = Math.round((Date.parse(p.until) - Date.parse(p.from)) / 60000);
    return el('tr', { 'data-number': p.number, 'data-held': p.held ? 'true' : 'false' },
      el('th', { scope: 'row' }, p.number),
      el('td', { class: 'countdown' }, leftText(p), p.extended ? el('span', { class: 'hint' }, ' ' + t('page.extended', { n: minutes })) : null),
      el('td', null, t(`page.risk.${p.risk}`)),
      el('td', null, last ? `${hhmm(last.at)} ${t(`page.severities.${last.severity}`).split(' (')[0].split('（')[0]} · ${last.symptoms}` : t('page.noReactions')),
      el('td', { class: 'row-actions' },
        p.extended || p.risk === 'high' ? null : button(t('page.actions.extend'), () => act(p, 'extend')),
        button(t('page.actions.reaction'), () => openReaction(p)),
        p.held ? button(t('page.actions.clear'), () => act(p, 'clear'), true) : button(t('page.actions.release'), () => act(p, 'release'))));
  }));
}

async function act(p, action, body) {
  const r = await api('POST', `${base}/${encodeURIComponent(p.number)}/${action}`, body || {});
  if (!r.ok) {
    if (sessionGone(r)) return session.signOut(r.error);
    return feedback('error', errorText(r.error, { number: p.number }));
  }
  const after = r.data.person;
  const key = action === 'reaction' && after && after.held ? 'severe' : action;
  feedback('ok', t(`page.results.${key}`, { number: p.number, until: after ? hhmm(after.until) : '' }));
  await refresh();
}

function openReaction(p) {
  reactionFor = p;
  $('reaction-heading').textContent = t('page.reactionHeading', { number: p.number });
  $('reaction-form').reset();
  $('reaction-dialog').showModal();
  $('reaction-symptoms').focus();
}

$('reaction-cancel').addEventListener('click', () => $('reaction-dialog').close());
$('reaction-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const form = e.target;
  const symptoms = form.elements.symptoms.value.trim();
  if (!symptoms) return form.elements.symptoms.focus();
  const ago = Math.max(0, Math.min(720, Number(form.elements.minutesAgo.value) || 0));
  const body = { symptoms, severity: form.elements.severity.value };
  if (ago > 0) body.at = Date.now() + skew - ago * 60000;
  $('reaction-dialog').close();
  await act(reactionFor, 'reaction', body);
});

session.start();
