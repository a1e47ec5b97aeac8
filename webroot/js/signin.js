// signin.js — the staff sign-in the tablet and the dashboard share: the login form (#login-form,
// #login-error, #staff-id), the sign-out button (#logout), the session check on load, and what the
// signed-in staff member may do at this page's site as the server says (GET /api/v1/auth/me
// "may"), so no page keeps role rules of its own.

import { site, api, t } from './page.js';

/** The session is over (expired, signed out elsewhere, or its CSRF cookie is gone): sign in again. */
export function sessionGone(r) {
  return r.status === 401 || (r.status === 403 && r.error && r.error.reason === 'CSRF');
}

/**
 * Wires the page's sign-in. showLogin() shows the login view; errorText(error) words an API error;
 * signedIn() runs after a sign-in or on load with a live session; signedOut() clears the page's own
 * state before the login view comes back. Returns the session: me (the staff member or null),
 * here() (what they may do at this site: {stations: [kinds], manage, routes}, or null), start(), signOut(error).
 */
export function staffSession({ showLogin, errorText, signedIn, signedOut }) {
  const form = document.getElementById('login-form');
  const errorBox = document.getElementById('login-error');
  const idField = document.getElementById('staff-id');
  let may = null;

  const session = {
    me: null,

    here() {
      return (session.me && may && may[site]) || null;
    },

    async start() {
      const r = await api('GET', '/api/v1/auth/me');
      if (!r.ok) {
        session.me = null;
        may = null;
        showLogin();
        if (r.status !== 401) errorBox.textContent = errorText(r.error);
        idField.focus();
        return;
      }
      session.me = r.data.staff;
      may = r.data.may || {};
      await signedIn();
    },

    signOut(error) {
      session.me = null;
      may = null;
      signedOut();
      showLogin();
      errorBox.textContent = error ? errorText(error) : '';
      idField.focus();
    },
  };

  // the PIN is cleared after each try
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const staffId = form.elements.staffId.value.trim();
    const pin = form.elements.pin.value;
    if (!staffId) return form.elements.staffId.focus();
    if (!pin) return form.elements.pin.focus();
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    errorBox.textContent = '';
    const r = await api('POST', '/api/v1/auth/login', { staffId, pin });
    button.disabled = false;
    form.elements.pin.value = '';
    if (!r.ok) {
      errorBox.textContent = errorText(r.error);
      form.elements.pin.focus();
      return;
    }
    session.me = r.data.staff;
    may = r.data.may || {};
    await signedIn();
  });

  document.getElementById('logout').addEventListener('click', async () => {
    await api('POST', '/api/v1/auth/logout');
    session.signOut();
  });

  return session;
}

/** Shows one of a page's views ({name: element}) and, when signed in, who is (#staff-who) and the sign-out button. */
export function showStaffView(views, name, me) {
  for (const [k, node] of Object.entries(views)) node.hidden = k !== name;
  document.getElementById('logout').hidden = !me;
  const who = document.getElementById('staff-who');
  who.hidden = !me;
  if (me) who.textContent = t('page.signedInAs', { name: me.name || me.id });
}
