// staffpage.js — what the staff pages share (the tablet, the observation tablet, the dashboard):
// the sign-in form (#login-form, #login-error, #staff-id), the sign-out button (#logout), who is
// signed in (#staff-who), the page's views, the session check on load, and what the signed-in staff
// member may do at this page's site as the server says (GET /api/v1/auth/me "may"), so no page
// keeps role rules of its own. Error texts come from the server's catalogue (page.js errorText).

import { $, site, api, t, errorText } from './page.js';

/** The session is over (expired, signed out elsewhere, or its CSRF cookie is gone): sign in again. */
export function sessionGone(r) {
  return r.status === 401 || (r.status === 403 && r.error && r.error.reason === 'CSRF');
}

/**
 * Wires the page's sign-in. {@code views}: the page's views by name ({login} among them), shown one
 * at a time by show(name); an element with {@code data-view="name"} (a live status) shows only with
 * that view. signedIn() runs after a sign-in or on load with a live session; signedOut() clears the
 * page's own state before the login view comes back. Returns the session: me (the staff member or
 * null), here() (what they may do at this site: {stations: [kinds], manage, routes}, or null),
 * show(name), start(), signOut(error).
 */
export function staffSession({ views, signedIn, signedOut }) {
  const form = $('login-form');
  const errorBox = $('login-error');
  const idField = $('staff-id');
  let may = null;

  function showLogin(error) {
    session.show('login');
    errorBox.textContent = error ? errorText(error) : '';
    idField.focus();
  }

  const session = {
    me: null,

    here() {
      return (session.me && may && may[site]) || null;
    },

    show(name) {
      for (const [k, node] of Object.entries(views)) node.hidden = k !== name;
      for (const node of document.querySelectorAll('[data-view]')) node.hidden = node.dataset.view !== name;
      $('logout').hidden = !session.me;
      const who = $('staff-who');
      who.hidden = !session.me;
      if (session.me) who.textContent = t('common.signedInAs', { name: session.me.name || session.me.id });
    },

    async start() {
      session.show('loading');
      const r = await api('GET', '/api/v1/auth/me');
      if (!r.ok) {
        session.me = null;
        may = null;
        showLogin(r.status === 401 ? null : r.error);
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
      showLogin(error);
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

  $('logout').addEventListener('click', async () => {
    await api('POST', '/api/v1/auth/logout');
    session.signOut();
  });

  return session;
}
