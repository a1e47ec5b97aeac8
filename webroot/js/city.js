// city.js — the city operator's overview: every site's load and predicted wait (live from each
// site's .state address over the bridge, and from GET /api/v1/city every few seconds), which
// server runs each site and its health (sites of other servers as this server last polled them),
// and where bookings are going and why (appointments per site and day; each community's site).

import { $, lang, otherLang, t, el, api, replaceChildren, waitText, hhmm, htmlLang, timeZone } from './page.js';
import { connectLive } from './live.js';
import { meter, level, svg } from './charts.js';

const REFRESH_MS = 5000;

const cards = new Map();
document.querySelectorAll('.city-site[data-site]').forEach((c) => cards.set(c.dataset.site, c));
const remoteCards = new Map();   // site run by another server -> its card (made from the overview)

let city = null;                 // the latest GET /api/v1/city
const states = new Map();        // site -> latest live state
const connections = new Map();   // site -> 'live' | 'polling' | 'reconnecting' | 'offline'

const waitingOf = (c) => (c.outside || 0) + (c.away || 0) + (c.hall || 0) + (c.room || 0) + (c.desk || 0) + (c.vaccination || 0);
const fmtNumber = (n) => new Intl.NumberFormat(htmlLang(lang)).format(n);
const siteOf = (id) => (city ? city.sites.find((s) => s.id === id) : null);
const remotes = () => (city && Array.isArray(city.remoteSites) ? city.remoteSites : []);
/** A remote site's load, when its server answered the last poll (a stale load is not shown). */
const remoteLoad = (r) => (r.health === 'up' && r.load ? r.load : null);

function siteName(s, l = lang) {
  return (s.names && s.names[l]) || s.name || s.id;
}

/** The name without what every site's name ends with, for narrow table cells (the full name is the cell's title). */
function shortName(s) {
  return siteName(s).replace(/\s*vaccination site$/i, '').replace(/(新冠)?疫苗接种点$/, '') || siteName(s);
}

/** A site's counts, capacities and wait: the live state when newer, else the overview's. */
function current(id) {
  const s = siteOf(id);
  const st = states.get(id);
  if (st) return { counts: st.counts || {}, capacities: st.capacities || {}, wait: st.predictedWaitMin };
  if (s) return { counts: s.counts || {}, capacities: s.capacities || {}, wait: s.load.predictedWaitMin };
  return null;
}

function bookedToday(s) {
  return s && s.bookings && s.bookings.length ? s.bookings[0].booked : 0;
}

function meterRow(card, name, value, capacity, text, lvl) {
  const row = card.querySelector(`[data-meter=${name}]`);
  if (!row) return;
  const f = capacity > 0 ? value / capacity : NaN;
  const l = lvl || level(f);
  replaceChildren(row.querySelector('.meter-bar'), meter(f, l));
  row.querySelector('.meter-text').textContent = text;
  row.dataset.level = l;
}

function renderSite(id) {
  const card = cards.get(id);
  const s = siteOf(id);
  const now = current(id);
  if (!card || !now) return;
  const c = now.counts;
  const open = card.querySelector('[data-f=open]');
  if (s) {
    open.dataset.state = s.open ? 'open' : 'closed';
    open.textContent = s.open ? t('page.open') : t('page.closed');
  }
  card.dataset.open = s && s.open ? 'true' : 'false';
  card.querySelector('[data-f=wait]').textContent = waitText(now.wait);
  card.querySelector('[data-f=wait]').dataset.level = level((now.wait || 0) / 60, 0.5, 1);
  card.querySelector('[data-f=waiting]').textContent = fmtNumber(waitingOf(c));
  const hallCap = now.capacities.hall || 0;
  const roomCap = now.capacities.room || 0;
  const inRoom = (c.room || 0) + (c.calledToRoom || 0);
  meterRow(card, 'hall', c.hall || 0, hallCap, `${fmtNumber(c.hall || 0)} / ${fmtNumber(hallCap)}`);
  // the vaccine room is filled in batches by design: full is its normal state
  meterRow(card, 'room', inRoom, roomCap, `${fmtNumber(inRoom)} / ${fmtNumber(roomCap)}`, 'none');
  if (s) {
    const booked = bookedToday(s);
    meterRow(card, 'booked', booked, s.dailyCapacity, t('page.bookedOf', { booked: fmtNumber(booked), cap: fmtNumber(s.dailyCapacity) }), 'none');
  }
  replaceChildren(card.querySelector('[data-f=mini]'),
    el('span', null, `${t('page.outside')} ${fmtNumber(c.outside || 0)}`),
    el('span', null, `${t('common.stages.observation')} ${fmtNumber(c.observation || 0)}`),
    el('span', null, `${t('page.served')} ${fmtNumber((c.observation || 0) + (c.released || 0))}`),
    s ? el('span', null, t('page.stations', { desks: s.stations.desks, booths: s.stations.booths })) : null);
}

function renderKpis() {
  if (!city) return;
  let waiting = 0, open = 0, booked = 0;
  let shortest = null;
  for (const r of remotes()) {
    const l = remoteLoad(r);
    if (!l) continue;
    waiting += l.waiting || 0;
    if (r.open) {
      open += 1;
      if (!shortest || l.predictedWaitMin < shortest.wait) shortest = { wait: l.predictedWaitMin, site: r };
    }
  }
  for (const s of city.sites) {
    const now = current(s.id);
    waiting += waitingOf(now.counts);
    booked += bookedToday(s);
    if (s.open) {
      open += 1;
      if (!shortest || now.wait < shortest.wait) shortest = { wait: now.wait, site: s };
    }
  }
  $('kpi-waiting').textContent = fmtNumber(waiting);
  $('kpi-open').textContent = t('page.sitesOpenValue', { open, all: city.sites.length + remotes().length });
  $('kpi-booked').textContent = fmtNumber(booked);
  const k = $('kpi-shortest');
  if (shortest) replaceChildren(k, el('span', null, waitText(shortest.wait)), el('span', { class: 'kpi-sub' }, siteName(shortest.site)));
  else k.textContent = '–';
}

function dayHeader(day, i) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return day;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  const weekday = new Intl.DateTimeFormat(htmlLang(lang), { weekday: 'short', timeZone: 'UTC' }).format(d);
  const date = new Intl.DateTimeFormat(htmlLang(lang), { month: 'numeric', day: 'numeric', timeZone: 'UTC' }).format(d);
  return el('span', { class: 'day-head' }, el('span', null, i === 0 ? t('page.today') : weekday), el('span', { class: 'secondary' }, date));
}

function heat(booked, cap) {
  if (!cap || !booked) return 0;
  const f = booked / cap;
  return f >= 0.9 ? 4 : f >= 0.6 ? 3 : f >= 0.3 ? 2 : 1;
}

function renderBookings() {
  const table = $('bookings-table');
  const days = city.sites.length ? city.sites[0].bookings.map((b) => b.day) : [];
  const head = el('tr', null, el('th', { scope: 'col' }, t('page.site')),
    days.map((d, i) => el('th', { scope: 'col', class: 'num' }, dayHeader(d, i))),
    el('th', { scope: 'col', class: 'num' }, t('page.total')));
  replaceChildren(table.tHead, head);
  const rows = [];
  const totals = days.map(() => 0);
  for (const s of city.sites) {
    let sum = 0;
    const cells = s.bookings.map((b, i) => {
      sum += b.booked;
      totals[i] += b.booked;
      return el('td', { class: `num heat heat-${heat(b.booked, s.dailyCapacity)}`, title: t('page.bookedOf', { booked: b.booked, cap: s.dailyCapacity }) },
        fmtNumber(b.booked));
    });
    rows.push(el('tr', { 'data-site': s.id },
      el('th', { scope: 'row', class: 'site-cell', title: siteName(s) },
        el('span', { class: 'site-code site-code-sm', 'aria-hidden': 'true' }, codeOf(s.id)), shortName(s)),
      cells, el('td', { class: 'num total' }, fmtNumber(sum))));
  }
  rows.push(el('tr', { class: 'total-row' }, el('th', { scope: 'row' }, t('page.total')),
    totals.map((n) => el('td', { class: 'num' }, fmtNumber(n))),
    el('td', { class: 'num total' }, fmtNumber(totals.reduce((a, b) => a + b, 0)))));
  replaceChildren(table.tBodies[0], rows);
}

function codeOf(id) {
  const card = cards.get(id);
  const code = card && card.querySelector('.site-code');
  return code ? code.textContent : id.slice(0, 2).toUpperCase();
}

function communityName(c, l = lang) {
  return (c.name && (c.name[l] || c.name.en)) || '';
}

function renderCommunities() {
  const rows = city.communities.map((c) => {
    const s = siteOf(c.siteId);
    return el('tr', { 'data-reason': c.reason },
      el('th', { scope: 'row', class: 'community-cell' }, communityName(c),
        el('span', { class: 'secondary', lang: htmlLang(otherLang) }, communityName(c, otherLang))),
      el('td', { class: 'site-cell', title: s ? siteName(s) : c.siteId },
        el('span', { class: 'site-code site-code-sm', 'aria-hidden': 'true' }, codeOf(c.siteId)), s ? shortName(s) : c.siteId),
      el('td', { class: 'num' }, t('page.km', { km: Number(c.distanceKm).toFixed(1) })),
      el('td', null, el('span', { class: 'reason', 'data-reason': c.reason }, t(`page.reasons.${c.reason}`))));
  });
  replaceChildren($('communities-table').tBodies[0], rows);
  renderMap();
}

/** A community's name beside its dot, on the side away from its site (so the link does not cross it). */
function label(text, x, y, [sx, sy], W) {
  const dx = x - sx, dy = y - sy;
  let anchor = 'start', tx = x + 11, ty = y + 5;
  if (Math.abs(dy) > Math.abs(dx) * 1.2) {
    anchor = 'middle';
    tx = x;
    ty = dy > 0 ? y + 24 : y - 12;
  } else if (dx < 0) {
    anchor = 'end';
    tx = x - 11;
  }
  if (anchor === 'start' && x > W - 120) { anchor = 'end'; tx = x - 11; }
  if (anchor === 'end' && x < 120) { anchor = 'start'; tx = x + 11; }
  return svg('text', { x: tx.toFixed(1), y: ty.toFixed(1), 'text-anchor': anchor }, text);
}

/** Sites and communities on a plain projection, each community linked to the site it books at. */
function renderMap() {
  const fig = $('city-map');
  const old = fig.querySelector('svg');
  if (old) old.remove();
  const W = 640, H = 440, pad = 56;
  const points = [...city.sites.map((s) => [s.lat, s.lon]), ...city.communities.map((c) => [c.lat, c.lon])];
  if (!points.length) return;
  const lats = points.map((p) => p[0]), lons = points.map((p) => p[1]);
  const minLat = Math.min(...lats), maxLat = Math.max(...lats), minLon = Math.min(...lons), maxLon = Math.max(...lons);
  const kx = Math.cos(((minLat + maxLat) / 2) * Math.PI / 180);
  const spanX = Math.max(1e-6, (maxLon - minLon) * kx), spanY = Math.max(1e-6, maxLat - minLat);
  const scale = Math.min((W - 2 * pad) / spanX, (H - 2 * pad) / spanY);
  const offX = (W - spanX * scale) / 2, offY = (H - spanY * scale) / 2;
  const xy = (lat, lon) => [offX + (lon - minLon) * kx * scale, offY + (maxLat - lat) * scale];

  const root = svg('svg', { class: 'map-svg', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': t('page.mapLabel') });
  root.appendChild(svg('rect', { class: 'map-bg', x: 0, y: 0, width: W, height: H, rx: 12 }));
  const links = svg('g', { class: 'map-links' });
  const dots = svg('g', { class: 'map-communities' });
  const marks = svg('g', { class: 'map-sites' });
  for (const c of city.communities) {
    const s = siteOf(c.siteId);
    const [x, y] = xy(c.lat, c.lon);
    if (s) {
      const [sx, sy] = xy(s.lat, s.lon);
      links.appendChild(svg('line', { class: `map-link reason-${c.reason}`, x1: x.toFixed(1), y1: y.toFixed(1), x2: sx.toFixed(1), y2: sy.toFixed(1) }));
    }
    dots.appendChild(svg('g', { class: 'map-community' },
      svg('circle', { cx: x.toFixed(1), cy: y.toFixed(1), r: 6 }),
      label(communityName(c), x, y, s ? xy(s.lat, s.lon) : [x - 1, y], W),
      svg('title', null, `${communityName(c)} → ${s ? siteName(s) : c.siteId} · ${t('page.km', { km: Number(c.distanceKm).toFixed(1) })}`)));
  }
  for (const s of city.sites) {
    const now = current(s.id);
    const waiting = waitingOf(now.counts);
    const r = 16 + Math.min(26, Math.sqrt(waiting) * 2.2);
    const [x, y] = xy(s.lat, s.lon);
    marks.appendChild(svg('g', { class: 'map-site', 'data-level': level((now.wait || 0) / 60, 0.5, 1), 'data-open': s.open ? 'true' : 'false' },
      svg('circle', { cx: x.toFixed(1), cy: y.toFixed(1), r: r.toFixed(1) }),
      svg('text', { x: x.toFixed(1), y: (y + 6).toFixed(1), 'text-anchor': 'middle' }, codeOf(s.id)),
      svg('title', null, `${siteName(s)} · ${t('page.waiting')} ${waiting} · ${waitText(now.wait)}`)));
  }
  root.append(links, dots, marks);
  fig.insertBefore(root, fig.firstChild);
}

// ---- which server runs each site, and its health ----

/** HH:MM:SS of an instant, in the city's time zone. */
function clock(iso) {
  const ms = Date.parse(iso || '');
  if (!Number.isFinite(ms)) return '';
  return new Intl.DateTimeFormat(htmlLang(lang), { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false, timeZone }).format(new Date(ms));
}

/** up | down as a badge; a remote site's health is its server's answer to the last poll. */
function setHealth(badge, health) {
  badge.dataset.health = health;
  badge.textContent = t(`page.servers.${health}`);
}

function healthDetail(r) {
  if (r.health === 'up') return t('page.servers.lastAnswer', { time: clock(r.lastAnswer) });
  return r.lastAnswer ? t('page.servers.downSince', { time: clock(r.lastAnswer) }) : t('page.servers.neverAnswered');
}

function figure(label, f) {
  return el('div', { class: 'figure' }, el('p', { class: 'figure-label' }, label), el('p', { class: 'figure-value', 'data-f': f }, '–'));
}

/** The card of a site another server runs: made once, then kept up to date. */
function renderRemoteCard(r) {
  let card = remoteCards.get(r.id);
  if (!card) {
    const link = (page) => el('a', { href: `/sites/${encodeURIComponent(r.id)}/${page}?lang=${lang}` }, t(`page.links.${page}`));
    card = el('article', { class: 'card city-site city-site-remote', 'data-remote-site': r.id },
      el('header', { class: 'city-site-head' },
        el('span', { class: 'site-code', 'aria-hidden': 'true' }, codeOf(r.id)),
        el('div', { class: 'city-site-title' }, el('h2', { 'data-f': 'name' }, r.name),
          el('p', { class: 'muted', 'data-f': 'health-detail' }))),
      el('p', { class: 'badges' },
        el('span', { class: 'badge', 'data-f': 'open', 'data-state': 'unknown' }, '–'),
        el('span', { class: 'badge badge-plain' }, t('page.servers.remoteBadge')),
        el('span', { class: 'badge', 'data-f': 'health' })),
      el('p', { class: 'site-server muted' }, el('span', null, t('page.servers.runBy')), ' ',
        el('span', { 'data-f': 'server', class: 'server-url' }, r.server)),
      el('div', { class: 'city-figures' }, figure(t('page.predictedWait'), 'wait'), figure(t('page.waiting'), 'waiting')),
      el('p', { class: 'site-links' }, link('dashboard'), link('hall'), link('kiosk')));
    $('city-sites').appendChild(card);
    remoteCards.set(r.id, card);
  }
  const l = remoteLoad(r);
  card.dataset.health = r.health;
  card.dataset.open = l ? String(Boolean(r.open)) : 'unknown'; // not dimmed while its server is silent: the badge says why
  card.querySelector('[data-f=name]').textContent = r.name;
  card.querySelector('[data-f=server]').textContent = r.server;
  card.querySelector('[data-f=health-detail]').textContent = healthDetail(r);
  card.querySelector('[data-f=health-detail]').title = r.lastError || '';
  setHealth(card.querySelector('[data-f=health]'), r.health);
  const open = card.querySelector('[data-f=open]');
  open.dataset.state = l ? (r.open ? 'open' : 'closed') : 'unknown';
  open.textContent = l ? (r.open ? t('page.open') : t('page.closed')) : '–';
  card.querySelector('[data-f=wait]').textContent = l ? waitText(l.predictedWaitMin) : '–';
  card.querySelector('[data-f=wait]').dataset.level = l ? level((l.predictedWaitMin || 0) / 60, 0.5, 1) : 'none';
  card.querySelector('[data-f=waiting]').textContent = l ? fmtNumber(l.waiting || 0) : '–';
}

function renderServers() {
  const rows = [];
  for (const s of city.sites) {
    const now = current(s.id);
    const card = cards.get(s.id);
    if (card) setHealth(card.querySelector('[data-f=health]'), 'up');
    rows.push(el('tr', { 'data-site': s.id, 'data-health': 'up' },
      el('th', { scope: 'row', class: 'site-cell', title: siteName(s) },
        el('span', { class: 'site-code site-code-sm', 'aria-hidden': 'true' }, codeOf(s.id)), shortName(s)),
      el('td', { 'data-f': 'server' }, t('page.servers.thisServer')),
      el('td', null, el('span', { class: 'badge', 'data-f': 'health', 'data-health': 'up' }, t('page.servers.up'))),
      el('td', { 'data-f': 'breaker' }, t('page.servers.noBreaker')),
      el('td', { class: 'num' }, fmtNumber(waitingOf(now.counts))),
      el('td', { class: 'num' }, waitText(now.wait))));
  }
  for (const r of remotes()) {
    renderRemoteCard(r);
    const l = remoteLoad(r);
    rows.push(el('tr', { 'data-site': r.id, 'data-remote': 'true', 'data-health': r.health },
      el('th', { scope: 'row', class: 'site-cell', title: r.name },
        el('span', { class: 'site-code site-code-sm', 'aria-hidden': 'true' }, codeOf(r.id)), shortName(r)),
      el('td', { 'data-f': 'server', class: 'server-url' }, r.server),
      el('td', { title: r.lastError || null },
        el('span', { class: 'badge', 'data-f': 'health', 'data-health': r.health }, t(`page.servers.${r.health}`)),
        el('span', { class: 'health-detail muted' }, healthDetail(r))),
      el('td', { 'data-f': 'breaker', 'data-breaker': r.breaker }, t(`page.servers.breakerStates.${r.breaker}`)),
      el('td', { class: 'num' }, l ? fmtNumber(l.waiting || 0) : '–'),
      el('td', { class: 'num' }, l ? waitText(l.predictedWaitMin) : '–')));
  }
  replaceChildren($('servers-table').tBodies[0], rows);
}

function render() {
  if (!city) return;
  for (const id of cards.keys()) renderSite(id);
  renderServers();
  renderKpis();
  renderBookings();
  renderCommunities();
  $('updated').textContent = t('page.updated', { time: hhmm(city.at) });
}

async function load() {
  const r = await api('GET', '/api/v1/city');
  const err = $('load-error');
  if (r.ok && r.data && Array.isArray(r.data.sites)) {
    city = r.data;
    // the overview is as new as any live state: drop older states
    const at = Date.parse(city.at);
    for (const [id, st] of states) if (Date.parse(st.at) < at) states.delete(id);
    err.hidden = true;
    render();
  } else {
    err.hidden = false;
    err.textContent = t('page.loadFailed', { code: (r.error && r.error.code) || r.status });
  }
  setTimeout(load, REFRESH_MS);
}

function showConnection() {
  const all = [...connections.values()];
  const state = all.includes('offline') ? 'offline'
    : all.includes('reconnecting') || !all.length ? 'reconnecting' : all.includes('polling') ? 'polling' : 'live';
  $('connection').dataset.state = state;
  $('connection-text').textContent = t(`page.connection.${state}`);
}

for (const id of cards.keys()) {
  connectLive({
    site: id, calls: false, state: true,
    onState(state) {
      states.set(id, state);
      if (!city) return;
      renderSite(id);
      renderServers();
      renderKpis();
    },
    onConnection(state) {
      connections.set(id, state);
      showConnection();
    },
  });
}

load();
