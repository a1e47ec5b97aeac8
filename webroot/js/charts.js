// charts.js — small SVG charts for the dashboards: a fill meter and a grouped bar chart. Built
// node by node with presentation attributes (no inline styles, no markup strings: strict CSP);
// colours come from classes in vaxflow.css.

const NS = 'http://www.w3.org/2000/svg';

function svg(tag, attrs, ...children) {
  const node = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v !== undefined && v !== null) node.setAttribute(k, String(v));
  }
  for (const c of children) {
    if (c === undefined || c === null) continue;
    node.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
  return node;
}

export { svg };

/** How full something is: 'ok' below warn, 'warn' from it, 'full' from full. */
export function level(fraction, warn = 0.75, full = 0.9) {
  if (!Number.isFinite(fraction)) return 'none';
  if (fraction >= full) return 'full';
  if (fraction >= warn) return 'warn';
  return 'ok';
}

/** A horizontal fill meter (0..1), its level as data-level for the stylesheet. */
export function meter(fraction, lvl) {
  const f = Number.isFinite(fraction) ? Math.max(0, Math.min(1, fraction)) : 0;
  const node = svg('svg', { class: 'meter-svg', viewBox: '0 0 100 8', preserveAspectRatio: 'none', 'aria-hidden': 'true',
    'data-level': lvl || level(fraction) },
  svg('rect', { class: 'meter-track', x: 0, y: 0, width: 100, height: 8 }),
  svg('rect', { class: 'meter-fill', x: 0, y: 0, width: (f * 100).toFixed(2), height: 8 }));
  return node;
}

function niceMax(v) {
  if (v <= 4) return 4;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

/**
 * Grouped bars: rows [{label, values: {key: n}}], series [{key, label, cls}]. Each bar has a
 * <title> (hover) and the chart a text summary for screen readers (title + desc).
 */
export function barChart(rows, series, { title = '', width = 960, height = 260 } = {}) {
  const left = 44, right = 8, top = 16, bottom = 30;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  let max = 0;
  for (const r of rows) for (const s of series) max = Math.max(max, r.values[s.key] || 0);
  const yMax = niceMax(max);
  const root = svg('svg', { class: 'bar-chart', viewBox: `0 0 ${width} ${height}`, role: 'img' });
  root.appendChild(svg('title', null, title));
  const summary = rows.filter((r) => series.some((s) => r.values[s.key]))
    .map((r) => `${r.label}: ${series.map((s) => `${s.label} ${r.values[s.key] || 0}`).join(', ')}`).join('; ');
  root.appendChild(svg('desc', null, summary || title));

  for (let i = 0; i <= 4; i++) {
    const v = (yMax / 4) * i;
    const y = top + plotH - (v / yMax) * plotH;
    root.appendChild(svg('line', { class: i === 0 ? 'axis' : 'grid', x1: left, x2: width - right, y1: y.toFixed(1), y2: y.toFixed(1) }));
    root.appendChild(svg('text', { class: 'tick', x: left - 8, y: (y + 4).toFixed(1), 'text-anchor': 'end' }, Number.isInteger(v) ? v : v.toFixed(1)));
  }
  const n = Math.max(1, rows.length);
  const slot = plotW / n;
  const groupW = Math.min(slot * 0.78, 26 * series.length);
  const barW = groupW / series.length;
  rows.forEach((r, i) => {
    const x0 = left + i * slot + (slot - groupW) / 2;
    series.forEach((s, j) => {
      const v = r.values[s.key] || 0;
      const h = yMax ? (v / yMax) * plotH : 0;
      const x = x0 + j * barW;
      const rect = svg('rect', { class: `bar ${s.cls}`, x: (x + 1).toFixed(1), y: (top + plotH - h).toFixed(1),
        width: Math.max(1, barW - 2).toFixed(1), height: Math.max(0, h).toFixed(1), rx: 2 },
      svg('title', null, `${r.label} · ${s.label}: ${v}`));
      root.appendChild(rect);
      if (v > 0 && barW >= 14) {
        root.appendChild(svg('text', { class: 'bar-value', x: (x + barW / 2).toFixed(1), y: (top + plotH - h - 4).toFixed(1), 'text-anchor': 'middle' }, v));
      }
    });
    root.appendChild(svg('text', { class: 'tick tick-x', x: (left + i * slot + slot / 2).toFixed(1), y: height - 8, 'text-anchor': 'middle' }, r.label));
  });
  return root;
}
