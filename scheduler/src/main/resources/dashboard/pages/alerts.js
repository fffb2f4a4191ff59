// Recent alert deliveries, newest first: what was sent to which webhook about which run, how it went, and a Retry
// button (POST .../retry) for a delivery that was delivered or given up. Filtered by state and pipeline, paged by
// the API's keyset cursor (`before`), refreshed every 2 s so a retried delivery is seen arriving. Above them, the
// configured webhooks, each with a button that sends it a test alert (POST /webhooks/{name}/test).
import { api } from '../api.js';
import { el, fill, time, stateBadge, runLink, pipelineLink, errorBox, keepingFocus } from '../view.js';

const STATES = ['', 'PENDING', 'DELIVERED', 'FAILED'];
const PAGE = 50;

/** @param query the hash's query: state, pipeline, before (the cursor of this page) */
export function alertsPage(query) {
  const node = el('section', { 'aria-labelledby': 'alerts-title' });
  const state = query.get('state') || '';
  const pipeline = query.get('pipeline') || '';
  const before = query.get('before') || '';
  const webhooks = el('div', { 'data-testid': 'webhooks' });
  const flash = el('div', { 'aria-live': 'polite', 'data-testid': 'flash' });
  const content = el('div');
  let timer = null;

  async function refresh() {
    const page = await api.deliveries({ limit: PAGE, ...(state ? { state } : {}),
      ...(pipeline ? { pipeline } : {}), ...(before ? { before } : {}) });
    keepingFocus(content, () => fill(content,
      table(page.deliveries, retried),
      el('nav', { class: 'paging', 'aria-label': 'Pages of deliveries' },
        before ? el('a', { href: '#/alerts' + hashQuery({ state, pipeline }) }, '« Newest') : null,
        page.next ? el('a', { href: '#/alerts' + hashQuery({ state, pipeline, before: page.next }),
          'data-testid': 'older' }, 'Older »') : null)));
  }

  /** The answer to a Send test: delivered, or the receiver's refusal, or why the API refused. */
  async function tested(name, button) {
    button.disabled = true;
    try {
      const r = await api.testWebhook(name);
      fill(flash, r.delivered
        ? `Test alert delivered to ${name} (${r.format})${r.status_code ? `: HTTP ${r.status_code}` : ''}.`
        : errorBox(`Test alert to ${name} (${r.format}) not delivered: ${r.error}`));
    } catch (e) {
      fill(flash, errorBox(`Test of ${name} refused: ${e.message}`));
    } finally {
      button.disabled = false;
    }
  }

  async function listWebhooks() {
    try {
      const list = await api.webhooks();
      fill(webhooks, webhookTable(list.webhooks, tested));
    } catch (e) {
      fill(webhooks); // a caller restricted to some pipelines sees their deliveries only
    }
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
  const pipelineInput = el('input', { name: 'pipeline', id: 'filter-delivery-pipeline', value: pipeline,
    placeholder: 'all pipelines' });
  const form = el('form', {
    class: 'filters',
    onsubmit: (event) => {
      event.preventDefault();
      location.hash = '#/alerts' + hashQuery({ state: stateSelect.value, pipeline: pipelineInput.value.trim() });
    },
  },
  el('label', { for: 'filter-delivery-state' }, 'State'), stateSelect,
  el('label', { for: 'filter-delivery-pipeline' }, 'Pipeline'), pipelineInput,
  el('button', { type: 'submit', 'data-testid': 'filter' }, 'Filter'));

  node.append(el('h1', { id: 'alerts-title' }, 'Alerts'),
    el('p', { class: 'muted' }, 'Webhook deliveries of alert events, newest first. A delivery is retried with '
      + 'backoff until its receiver answers 2xx or its retry period ends; Retry sends a delivered or given-up '
      + 'one again.'),
    el('h2', {}, 'Webhooks'), webhooks,
    el('h2', {}, pipeline ? `Deliveries of ${pipeline}` : 'Deliveries'),
    form, flash, content);

  return {
    node,
    async start() {
      await Promise.all([refresh(), listWebhooks()]);
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

function webhookTable(list, tested) {
  if (list.length === 0) return el('p', {}, 'No webhooks in config.yml.');
  return el('table', { class: 'grid' },
    el('thead', {}, el('tr', {}, ['Webhook', 'Format', 'State', ''].map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, list.map((w) => el('tr', { 'data-webhook': w.name },
      el('td', {}, w.name),
      el('td', {}, w.format),
      el('td', {}, w.enabled ? 'on' : el('span', { class: 'muted' }, 'off (no url)')),
      el('td', {}, el('button', {
        type: 'button', 'data-testid': `test-${w.name}`, disabled: !w.enabled,
        'aria-label': `send a test alert to ${w.name}`,
        onclick: (event) => tested(w.name, event.currentTarget),
      }, 'Send test'))))));
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
