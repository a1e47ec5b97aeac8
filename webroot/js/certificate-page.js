// certificate-page.js — the printable vaccination certificate (/t/{site}/{number}/certificate?k=): the ticket's
// link key opens it, as it opens the phone page.

import { $, site, errorText } from './page.js';
import { fetchCertificate, showCertificate } from './certificate.js';

const number = document.body.dataset.number;
const k = new URLSearchParams(location.search).get('k') || '';

async function load() {
  const r = await fetchCertificate(site, number, k);
  const status = $('certificate-status');
  if (!r.ok) {
    status.textContent = errorText(r.json && r.json.error);
    return;
  }
  showCertificate({ qr: $('certificate-qr'), facts: $('certificate-facts'), verify: $('certificate-verify') }, r.json);
  $('certificate-body').hidden = false;
  status.hidden = true;
  status.textContent = '';
  $('certificate-print').hidden = false;
}

$('certificate-print').addEventListener('click', () => window.print());
load();
