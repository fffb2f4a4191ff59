// Small DOM helpers shared by the pages: elements, times in the viewer's zone (UTC on hover), states.

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

/** A time in the viewer's zone; the exact UTC instant on hover and for screen readers in datetime. */
export function time(iso) {
  if (!iso) return el('span', { class: 'muted' }, '—');
  const date = new Date(iso);
  return el('time', { datetime: iso, title: iso.replace('T', ' ').replace('Z', ' UTC') },
    date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' }));
}

export function duration(ms) {
  if (ms === undefined || ms === null) return '—';
  if (ms < 1000) return `${ms} ms`;
  const s = Math.round(ms / 100) / 10;
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${Math.round(s % 60)} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
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
