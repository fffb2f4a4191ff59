// Small DOM helpers shared by the pages: elements, times with their zone named (UTC on hover), states.

/** el('a', {href: '#/x', class: 'y'}, 'text', child) builds an element; text is never parsed as HTML. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/**
 * Replaces a node's children, leaving out null, undefined and false (the DOM's own replaceChildren would show
 * them as the text "null"): every page draws itself through this.
 */
export function fill(node, ...children) {
  node.replaceChildren(...children.flat(Infinity).filter((c) => c !== undefined && c !== null && c !== false)
    .map((c) => (c instanceof Node ? c : document.createTextNode(String(c)))));
  return node;
}

// Which zone times are shown in, page-wide, kept in local storage: "pipeline" (the default: schedule-related
// times such as next fire and logical time in the pipeline's schedule zone, other times in the browser's),
// "local" (all in the browser's zone) or "utc".
const ZONE_KEY = 'kindling.zone';
export const ZONE_MODES = { pipeline: "pipeline's zone", local: 'my zone', utc: 'UTC' };
export function zoneMode() {
  let mode = null;
  try { mode = localStorage.getItem(ZONE_KEY); } catch { mode = null; }
  return Object.hasOwn(ZONE_MODES, mode) ? mode : 'pipeline';
}
export function setZoneMode(mode) {
  try { localStorage.setItem(ZONE_KEY, mode); } catch { /* private mode: for this page only */ }
}
const LOCAL_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone || 'local';

/** The zone a time is shown in: the pipeline's (when given and chosen), the browser's, or UTC. */
export function zoneFor(pipelineZone) {
  const mode = zoneMode();
  if (mode === 'utc') return 'UTC';
  if (mode === 'pipeline' && pipelineZone) return pipelineZone;
  return LOCAL_ZONE;
}

const formats = new Map();
/** "Thu 3 Dec 2026, 06:00:00 Europe/Berlin": 24-hour clock, the zone always named. */
export function formatTime(iso, pipelineZone) {
  const zone = zoneFor(pipelineZone);
  if (!formats.has(zone)) {
    formats.set(zone, new Intl.DateTimeFormat('en-GB', { timeZone: zone, weekday: 'short', day: 'numeric',
      month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }));
  }
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  return `${formats.get(zone).format(date)} ${zone}`;
}

/** The exact instant in UTC, for hovering: "2026-12-03 05:00:00 UTC". */
export function utcText(iso) {
  return String(iso).replace('T', ' ').replace(/\.\d+Z$|Z$/, '') + ' UTC';
}

/**
 * A time with its zone named: in the pipeline's zone when given (schedule-related times: next fire, logical
 * time) and the page shows pipelines' zones, else in the browser's zone or UTC as chosen; the exact UTC instant on
 * hover and in datetime.
 */
export function time(iso, pipelineZone) {
  if (!iso) return el('span', { class: 'muted' }, '—');
  return el('time', { datetime: iso, title: utcText(iso), 'data-zone': zoneFor(pipelineZone) },
    formatTime(iso, pipelineZone));
}

/** "2 min 14 s", "1 h 5 min", "350 ms"; a dash when there is none (yet). */
export function duration(ms) {
  if (ms === undefined || ms === null || !Number.isFinite(Number(ms))) return '—';
  ms = Number(ms);
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60000) return `${Math.round(ms / 100) / 10} s`;
  const total = Math.round(ms / 1000);
  const m = Math.floor(total / 60);
  if (m < 60) return `${m} min ${total % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** How long a run, task or attempt took, or has taken so far while it runs ("1 min 3 s so far"). */
export function durationOf(item, now = Date.now()) {
  if (item.duration_ms !== undefined && item.duration_ms !== null) return duration(item.duration_ms);
  const started = Date.parse(item.started_at);
  if (!item.ended_at && Number.isFinite(started)) return `${duration(Math.max(0, now - started))} so far`;
  return '—';
}

export function stateBadge(state) {
  return el('span', { class: `state state-${String(state).toLowerCase()}`, 'data-state': state }, state);
}

export function runLink(runId, text) {
  return el('a', { href: `#/runs/${encodeURIComponent(runId)}` }, text ?? runId);
}

export function pipelineLink(id) {
  return el('a', { href: `#/pipelines/${encodeURIComponent(id)}` }, id);
}

export function errorBox(message) {
  return el('div', { class: 'error', role: 'alert' }, message);
}

export const FINISHED = ['SUCCEEDED', 'FAILED', 'CANCELLED'];


/**
 * Runs a redraw of part of a page (the pages refresh every 2 s) without taking keyboard focus away: the focused
 * element, if the redraw replaced it, is found again by its data-testid, id or href and focused.
 */
export function keepingFocus(root, redraw) {
  const active = document.activeElement;
  let selector = null;
  if (active && active !== document.body && root.contains(active)) {
    const attr = ['data-testid', 'id', 'href'].find((a) => active.getAttribute(a));
    if (attr) selector = `[${attr}="${CSS.escape(active.getAttribute(attr))}"]`;
  }
  const result = redraw();
  if (selector && !active.isConnected) {
    const again = root.querySelector(selector);
    if (again) again.focus({ preventScroll: true });
  }
  return result;
}

/**
 * Calls refresh every ms while the page is on screen: not while the tab is hidden (nobody watching, no load on
 * the daemon), never two at once, and at once when the tab is shown again. Returns what stops it.
 */
export function every(ms, refresh) {
  let busy = false;
  const tick = async () => {
    if (busy || document.hidden) return;
    busy = true;
    try { await refresh(); } catch { /* the next tick tries again */ } finally { busy = false; }
  };
  const timer = setInterval(tick, ms);
  document.addEventListener('visibilitychange', tick);
  return () => {
    clearInterval(timer);
    document.removeEventListener('visibilitychange', tick);
  };
}
