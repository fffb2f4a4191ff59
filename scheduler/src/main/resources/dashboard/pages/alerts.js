// Recent alert deliveries, newest first: what was sent to which webhook about which run, how it went, and a Retry
// button (POST .../retry) for a delivery that was delivered or given up. Filtered by state, paged by the API's
// keyset cursor (`before`), refreshed every 2 s so a retried delivery is seen arriving.
import { api } from '../api.js';
import { el, fill, time, stateBadge, runLink, pipelineLink, errorBox, keepingFocus } from '../view.js';

const STATES = ['', 'PENDING', 'DELIVERED', 'FAILED'];
const PAGE = 50;

/** @param query the hash's query: state, before (the cursor of this page) */
export function alertsPage(query) {
  const node = el('section', { 'aria-labelledby': 'alerts-title' });
  const state = query.get('state') || '';
  const before = query.get('before') || '';
  const flash = el('div', { 'aria-live': 'polite', 'data-testid': 'flash' });
  const content = el('div');
  let timer = null;

  async function refresh() {
    const page = await api.deliveries({ limit: PAGE, ...(state ? { state } : {}), ...(before ? { before } : {}) });
    keepingFocus(content, () => fill(content,
      table(page.deliveries, retried),
      el('nav', { class: 'paging', 'aria-label': 'Pages of deliveries' },
        before ? el('a', { href: '#/alerts' + hashQuery({ state }) }, '« Newest') : null,
        page.next ? el('a', { href: '#/alerts' + hashQuery({ state, before: page.next }), 'data-testid': 'older' },
          'Older »') : null)));
  }

  /** The answer to a Retry: the delivery as it now stands, or why it was refused. */
  async function retried(delivery, button) {
    button.disabled = true;
    try {
      const d = await api.retryDelivery(delivery.delivery_id);
      fill(flash, `Sending ${d.event_type} for run `, runLink(d.run_id),
        ` to ${d.webhook} again: ${d.state.toLowerCase()}, due `, time(d.next_attempt_at), '.');
    } catch (e) {
      fill(flash, errorBox(`Retry of ${delivery.delivery_id} refused: ${e.message}`));
    }
    await refresh();
  }

  const stateSelect = el('select', { name: 'state', id: 'filter-delivery-state' },
    STATES.map((s) => el('option', { value: s, selected: s === state }, s || 'all states')));
  const form = el('form', {
    class: 'filters',
    onsubmit: (event) => {
      event.preventDefault();
      location.hash = '#/alerts' + hashQuery({ state: stateSelect.value });
    },
  },
  el('label', { for: 'filter-delivery-state' }, 'State'), stateSelect,
  el('button', { type: 'submit', 'data-testid': 'filter' }, 'Filter'));

  node.append(el('h1', { id: 'alerts-title' }, 'Alerts'),
    el('p', { class: 'muted' }, 'Webhook deliveries of alert events, newest first. A delivery is retried with '
      + 'backoff until its receiver answers 2xx or its retry period ends; Retry sends a delivered or given-up '
      + 'one again.'),
    form, flash, content);

  return {
    node,
    async start() {
      await refresh();
      timer = setInterval(() => refresh().catch(() => {}), 2000);
    },
    stop() { clearInterval(timer); },
  };
}

function hashQuery(params) {
  const clean = Object.fromEntries(Object.entries(params).filter(([, v]) => v));
  return Object.keys(clean).length ? '?' + new URLSearchParams(clean) : '';
}

function table(deliveries, retried) {
  if (deliveries.length === 0) return el('p', {}, 'No deliveries match.');
  return el('table', { class: 'grid', 'data-testid': 'deliveries' },
    el('thead', {}, el('tr', {}, ['Event', 'Pipeline', 'Run', 'Webhook', 'State', 'Attempts', 'Last answer',
      'Next attempt', 'Created', 'Delivered', ''].map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, deliveries.map((d) => el('tr', {
      'data-delivery': d.delivery_id, 'data-run': d.run_id, 'data-event': d.event_type, 'data-state': d.state,
    },
    el('td', {}, d.event_type, d.task ? el('div', { class: 'muted' }, `task ${d.task}`) : null),
    el('td', {}, pipelineLink(d.pipeline)),
    el('td', {}, runLink(d.run_id)),
    el('td', {}, d.webhook),
    el('td', {}, stateBadge(d.state)),
    el('td', {}, d.attempts),
    el('td', {}, lastAnswer(d)),
    el('td', {}, time(d.next_attempt_at)),
    el('td', {}, time(d.created_at)),
    el('td', {}, time(d.delivered_at)),
    el('td', {}, retryButton(d, retried))))));
}

function lastAnswer(d) {
  if (d.last_status === null && !d.last_error) return el('span', { class: 'muted' }, '—');
  return el('div', {},
    d.last_status !== null ? el('code', { 'data-testid': `status-${d.delivery_id}` }, `HTTP ${d.last_status}`) : null,
    d.last_error ? el('div', { class: 'error-text' }, d.last_error) : null);
}

/** A pending delivery is already due to be sent (the API answers 409), so its button is off and says why. */
function retryButton(d, retried) {
  const pending = d.state === 'PENDING';
  return el('button', {
    type: 'button', 'data-testid': `retry-${d.delivery_id}`, disabled: pending,
    title: pending ? 'pending: sent when due' : 'send this event to the webhook again',
    'aria-label': `retry ${d.event_type} delivery to ${d.webhook} for run ${d.run_id}`,
    onclick: (event) => retried(d, event.currentTarget),
  }, 'Retry');
}
