// live.js — one site's live feed. Connects the SockJS event-bus bridge (/eventbus), registers
// for the site's addresses, then catches up over HTTP on the calls it missed (dropping any it
// already showed). While the bridge is down it reconnects with backoff and polls /calls and
// /state every 2 s, so a page keeps working without it.
//
// A cut network often closes nothing: no close event comes, the socket just goes quiet. So the
// feed keeps its own heartbeat: after a few quiet seconds it asks the server for /state (the
// answer is the ping's reply); no answer in time means cut off ('offline'), and the bridge is
// dropped and dialled again with backoff. A bridge that goes without even the server's SockJS
// heartbeat for too long is dropped too, as is a connect that hangs.
//
// A hall display (displayId given) says hello on every connect, {displayId, hello: true, sound},
// acknowledges each call it shows, {displayId, callId, repeat, sound}, and pings every 5 s: the
// server counts a display online while it hears from it (announce/Displays). sound() is whether
// the display can be heard: 'on' | 'off' | 'no-voice'; live.hello() tells the server it changed.
//
//   const live = connectLive({ site, calls: true, state: true, staff: false,
//     onHistory(calls), onCall(call, {replayed}), onState(state), onStaff(message),
//     onConnection('live' | 'polling' | 'reconnecting' | 'offline'), displayId, sound() });
//   live.ack(call); live.hello(); live.serverNow(); live.refresh();
//
// A phone follows one ticket instead ({ticket: {number, k}, calls: false, state: false}): it
// registers for the ticket's address with the link's key, gets {type: 'view'|'call'} messages in
// onTicket(message), and catches up with GET .../tickets/{number}/track?k= (onTicket({type:
// 'view', view}); onTicketGone() when that says the link opens nothing). Its heartbeat rests on the
// bridge's own (quietMs: a phone asks the server only after a bridge heartbeat is overdue).

import { api, compareEventIds } from './page.js';

const BACKOFF_MIN_MS = 1000;
const BACKOFF_MAX_MS = 15000;
const FIRST_CONNECT_GRACE_MS = 3000;
const MAX_SEEN = 5000;
const MAX_PENDING_ACKS = 100;
// Acks leave at most 4 a second: the server allows a connection 5 acks and 10 frames a second
// and closes one that floods it (AckGate); a display that comes back with 100 held sends them in 25 s.
const ACK_GAP_MS = 250;
// The heartbeat: quiet this long, the server is asked; no answer within PROBE_TIMEOUT_MS is a cut.
const QUIET_MS = 2000; // a connectLive option (quietMs)
const PROBE_TIMEOUT_MS = 3000;
// The bridge's pings: a display's tell the server it is there (online while heard within 10 s).
const PING_MS = 10000;
const DISPLAY_PING_MS = 5000;
// The server's SockJS heartbeat comes every 10 s; two missed and the bridge is taken for dead.
const BRIDGE_SILENT_MS = 25000;
const CONNECT_TIMEOUT_MS = 12000;
const WATCHDOG_MS = 1000;

export function connectLive(options) {
  const o = {
    calls: true, state: true, staff: false, ticket: null, pollMs: 2000, quietMs: QUIET_MS,
    onHistory() {}, onCall() {}, onState() {}, onStaff() {}, onStaffDenied() {}, onConnection() {},
    onTicket() {}, onTicketGone() {}, sound: () => undefined,
    ...options,
  };
  // the addresses' prefix comes from the server (announce/Addresses), in a meta tag of every page
  const busPrefix = document.querySelector('meta[name="vf-bus-prefix"]').content;
  const address = (what) => `${busPrefix}${o.site}.${what}`;
  const callsPath = `/api/v1/sites/${encodeURIComponent(o.site)}/calls`;
  const statePath = `/api/v1/sites/${encodeURIComponent(o.site)}/state`;
  const trackPath = o.ticket && `/api/v1/sites/${encodeURIComponent(o.site)}/tickets/${encodeURIComponent(o.ticket.number)}/track?k=${encodeURIComponent(o.ticket.k)}`;
  const probePath = o.state || !o.ticket ? statePath : trackPath;

  let bus = null;          // the current EventBus, open or opening
  let open = false;        // registered on an open bridge
  let attempts = 0;        // failed connects since the last open, for the backoff
  let reconnectTimer = null;
  let polling = false;
  let pollTimer = null;
  let connection = null;
  let closed = false;
  let connectStartedAt = 0;
  let lastBridgeAt = Date.now(); // the last thing the bridge said (a message or a heartbeat)
  let lastHeardAt = Date.now();  // the last answer from the server, on the bridge or over HTTP
  let probing = false;
  let reachable = true;          // the last request got an answer (any status)

  let historyLoaded = !o.calls;
  let lastEventId = null;
  const seen = new Map();  // callId -> highest repeat shown
  let syncing = null;      // the running catch-up, if any
  let syncAgain = false;
  let held = [];           // live calls that arrived during a catch-up, shown after it
  const pendingAcks = [];
  let ackTimer = null;
  let lastAckAt = 0;
  let serverOffsetMs = 0;

  function setConnection(state) {
    if (state === connection) return;
    connection = state;
    o.onConnection(state);
  }

  /** An API call that also tells whether the server could be reached at all (status 0: it could not). */
  async function request(path, timeoutMs) {
    const r = await api('GET', path, undefined, undefined, timeoutMs);
    if (r.status === 0) {
      reachable = false;
    } else {
      reachable = true;
      lastHeardAt = Date.now();
    }
    return r;
  }

  function remember(call) {
    seen.set(call.callId, Math.max(seen.get(call.callId) || 0, call.repeat || 1));
    if (seen.size > MAX_SEEN) seen.delete(seen.keys().next().value);
    if (compareEventIds(call.eventId || call.callId, lastEventId) > 0) lastEventId = call.eventId || call.callId;
  }

  /** A call message from the bridge: each repetition is shown once. */
  function acceptLive(call) {
    if (!call || !call.callId) return;
    if (syncing) {
      held.push(call);
      return;
    }
    if ((seen.get(call.callId) || 0) >= (call.repeat || 1)) return;
    remember(call);
    o.onCall(call, { replayed: false });
  }

  /** A call fetched over HTTP: shown only if this page never showed any saying of it. */
  function acceptReplayed(call) {
    if (!call || !call.callId || seen.has(call.callId)) return;
    remember(call);
    o.onCall(call, { replayed: true });
  }

  /** Fetches the calls after the last one seen (the whole day's on the first run). */
  function sync() {
    if (!o.calls) return Promise.resolve(true);
    if (syncing) {
      syncAgain = true;
      return syncing;
    }
    syncing = (async () => {
      let ok = true;
      do {
        syncAgain = false;
        const r = await request(lastEventId ? `${callsPath}?after=${encodeURIComponent(lastEventId)}` : callsPath);
        if (!r.ok || !Array.isArray(r.data)) {
          ok = false;
          break;
        }
        if (!historyLoaded) {
          historyLoaded = true;
          r.data.forEach(remember);
          o.onHistory(r.data);
        } else {
          r.data.forEach(acceptReplayed);
        }
      } while (syncAgain);
      return ok;
    })();
    return syncing.finally(() => {
      syncing = null;
      const later = held;
      held = [];
      later.forEach(acceptLive);
    });
  }

  function acceptState(state) {
    if (!state || typeof state !== 'object') return;
    const at = Date.parse(state.at);
    if (Number.isFinite(at)) serverOffsetMs = at - Date.now();
    o.onState(state);
  }

  async function fetchState() {
    if (!o.state) return true;
    const r = await request(statePath);
    if (r.ok) acceptState(r.data);
    return r.ok;
  }

  /** The followed ticket's view over HTTP; a link that opens nothing (404) is said once. */
  async function fetchTicket() {
    if (!o.ticket) return true;
    const r = await request(trackPath);
    if (r.ok && r.data) o.onTicket({ type: 'view', view: r.data });
    else if (r.status === 404) o.onTicketGone();
    return r.ok;
  }

  /** Everything the page follows, fetched over HTTP: true when all of it came. */
  async function catchUp() {
    const all = await Promise.all([sync(), fetchState(), fetchTicket()]);
    return all.every(Boolean);
  }

  // ---- the bridge ----

  function connect() {
    if (closed) return;
    reconnectTimer = null;
    if (typeof window.EventBus !== 'function') {
      // No client library: HTTP only.
      startPolling();
      return;
    }
    let eb;
    try {
      eb = new window.EventBus('/eventbus', { vertxbus_ping_interval: o.displayId ? DISPLAY_PING_MS : PING_MS });
    } catch (e) {
      startPolling();
      scheduleReconnect();
      return;
    }
    bus = eb;
    connectStartedAt = Date.now();
    const heard = () => {
      if (bus !== eb) return;
      lastBridgeAt = Date.now();
      lastHeardAt = lastBridgeAt;
    };
    if (eb.sockJSConn && typeof eb.sockJSConn.addEventListener === 'function') eb.sockJSConn.addEventListener('heartbeat', heard);
    eb.onerror = () => {};
    eb.onunhandled = () => {};
    eb.onopen = () => {
      if (bus !== eb) return;
      try {
        // A dropped bus may still deliver what was held up in the network: only the current one is heard.
        if (o.calls) eb.registerHandler(address('calls'), (err, msg) => { if (bus === eb && !err && msg) { heard(); acceptLive(msg.body); } });
        if (o.state) eb.registerHandler(address('state'), (err, msg) => { if (bus === eb && !err && msg) { heard(); acceptState(msg.body); } });
        if (o.ticket) {
          eb.registerHandler(address(`ticket.${o.ticket.number}`), { k: o.ticket.k }, (err, msg) => {
            if (bus !== eb) return;
            if (!err && msg) { heard(); o.onTicket(msg.body); }
          });
        }
        if (o.staff) {
          eb.registerHandler(address('staff'), (err, msg) => {
            if (bus !== eb) return;
            if (err) o.onStaffDenied(err);
            else if (msg) { heard(); o.onStaff(msg.body); }
          });
        }
      } catch (e) {
        eb.close();
        return;
      }
      open = true;
      attempts = 0;
      heard();
      hello();
      flushAcks();
      // Registered first; now catch up on what was missed while away.
      catchUp().then((ok) => {
        if (bus !== eb || !open) return;
        stopPolling();
        setConnection('live');
        if (!ok) setTimeout(() => { if (bus === eb && open) refresh(); }, o.pollMs);
      });
    };
    eb.onclose = () => {
      if (bus !== eb) return;
      bus = null;
      open = false;
      startPolling();
      scheduleReconnect();
    };
  }

  function scheduleReconnect() {
    if (closed || reconnectTimer) return;
    const base = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** attempts);
    const delay = Math.round(base * (0.7 + Math.random() * 0.6));
    attempts += 1;
    reconnectTimer = setTimeout(connect, delay);
  }

  function reconnectNow() {
    if (closed || open) return;
    if (reconnectTimer) clearTimeout(reconnectTimer);
    reconnectTimer = null;
    attempts = 0;
    if (bus) {
      const old = bus;
      bus = null;
      try { old.close(); } catch (e) { /* already closed */ }
    }
    connect();
  }

  /** Gives up on the current bridge (cut off, silent, or a connect that hangs) and dials again with backoff. */
  function dropBridge(why) {
    if (closed) return;
    const old = bus;
    bus = null;
    open = false;
    if (why === 'offline') setConnection('offline');
    if (old) try { old.close(); } catch (e) { /* already closed */ }
    startPolling();
    scheduleReconnect();
  }

  /** The heartbeat's ping: /state (a phone: its ticket's view), answered quickly or taken as a cut. */
  async function probe() {
    probing = true;
    const r = await request(probePath, PROBE_TIMEOUT_MS);
    probing = false;
    if (r.ok && probePath === statePath && o.state) acceptState(r.data);
    if (r.ok && probePath === trackPath) o.onTicket({ type: 'view', view: r.data });
    if (r.status === 0 && open) dropBridge('offline');
  }

  function watchdog() {
    if (closed) return;
    const now = Date.now();
    if (open) {
      if (now - lastBridgeAt > BRIDGE_SILENT_MS) dropBridge('silent');
      else if (!probing && now - lastHeardAt > o.quietMs) probe();
    } else if (bus && now - connectStartedAt > CONNECT_TIMEOUT_MS) {
      dropBridge('hung');
    }
  }

  // ---- polling while the bridge is down ----

  function startPolling() {
    if (polling || closed) return;
    polling = true;
    if (connection !== 'polling' && connection !== 'offline') setConnection('reconnecting');
    const tick = async () => {
      pollTimer = null;
      if (!polling) return;
      const ok = await catchUp();
      if (!polling) return;
      const wasOffline = connection === 'offline';
      if (!reachable) setConnection('offline');
      else setConnection(ok ? 'polling' : 'reconnecting');
      // The network is back: dial the bridge now rather than at the end of a long backoff.
      if (wasOffline && reachable && !open) reconnectNow();
      pollTimer = setTimeout(tick, o.pollMs);
    };
    tick();
  }

  function stopPolling() {
    polling = false;
    if (pollTimer) clearTimeout(pollTimer);
    pollTimer = null;
  }

  // ---- display acknowledgements ----

  function ack(call) {
    if (!o.displayId || !call || !call.callId) return;
    pendingAcks.push({ callId: call.callId, repeat: call.repeat || 1, displayId: o.displayId });
    if (pendingAcks.length > MAX_PENDING_ACKS) pendingAcks.shift();
    flushAcks();
  }

  /** The display is here, and whether it can be heard: first in line, ahead of any held acks. */
  function hello() {
    if (!o.displayId) return;
    const i = pendingAcks.findIndex((a) => a.hello);
    if (i >= 0) pendingAcks.splice(i, 1);
    pendingAcks.unshift({ displayId: o.displayId, hello: true });
    flushAcks();
  }

  function flushAcks() {
    if (ackTimer || !open || !bus || !pendingAcks.length) return;
    const wait = lastAckAt + ACK_GAP_MS - Date.now();
    if (wait > 0) {
      ackTimer = setTimeout(() => { ackTimer = null; flushAcks(); }, wait);
      return;
    }
    try {
      // the sound as it is when the message leaves, not when it was queued
      const sound = o.sound();
      bus.send(address('ack'), sound ? { ...pendingAcks[0], sound } : pendingAcks[0]);
      pendingAcks.shift();
      lastAckAt = Date.now();
    } catch (e) {
      return;
    }
    if (pendingAcks.length) ackTimer = setTimeout(() => { ackTimer = null; flushAcks(); }, ACK_GAP_MS);
  }

  function refresh() {
    return catchUp();
  }

  // ---- start ----

  setConnection('reconnecting');
  // The state first: its time lets pages tell how old the day's calls are.
  fetchState().then(() => sync());
  connect();
  setTimeout(() => { if (!open) startPolling(); }, FIRST_CONNECT_GRACE_MS);
  const watchdogTimer = setInterval(watchdog, WATCHDOG_MS);
  window.addEventListener('online', reconnectNow);
  // The browser knows it lost the network: ask at once rather than after the quiet time.
  window.addEventListener('offline', () => { if (open && !probing) probe(); });
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden) {
      if (open) refresh();
      else reconnectNow();
    }
  });

  return {
    ack,
    hello,
    refresh,
    serverNow: () => Date.now() + serverOffsetMs,
    state: () => connection,
    close() {
      closed = true;
      clearInterval(watchdogTimer);
      stopPolling();
      if (reconnectTimer) clearTimeout(reconnectTimer);
      if (ackTimer) clearTimeout(ackTimer);
      if (bus) try { bus.close(); } catch (e) { /* ignore */ }
    },
  };
}
