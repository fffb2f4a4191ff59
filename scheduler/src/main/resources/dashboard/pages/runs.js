// Run history, newest first, filtered by pipeline, state, trigger and creation time (entered in the viewer's
// zone, sent as UTC), paged by the API's keyset cursor (`before`). While a run shown is queued or running, the
// table is read again every 3 s (the tab on screen), so states and durations change without a reload.
import { api } from '../api.js';
import { el, fill, time, durationOf, stateBadge, runLink, pipelineLink, every, FINISHED, keepingFocus } from '../view.js';

const STATES = ['', 'QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED'];
const TRIGGERS = ['', 'schedule', 'manual', 'backfill', 'upstream', 'event', 'files', 'continuous', 'pipeline'];

/** An ISO UTC instant as the value of a datetime-local input (the viewer's zone), and back. */
function toLocalInput(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
}
function fromLocalInput(value) {
  return value ? new Date(value).toISOString() : '';
}
const PAGE = 50;

/** @param query the hash's query: pipeline, state, before (the cursor of this page) */
export function runsPage(query) {
  const node = el('section', { 'aria-labelledby': 'runs-title' });
  const filters = {};
  for (const name of ['pipeline', 'state', 'trigger', 'from', 'to']) filters[name] = query.get(name) || '';
  const before = query.get('before') || '';
  let stop = null;

  return {
    node,
    async start() {
      const read = () => api.runs({ ...Object.fromEntries(Object.entries(filters).filter(([, v]) => v)), limit: PAGE,
        ...(before ? { before } : {}) });
      const [list, page] = await Promise.all([api.pipelines(), read()]);
      const pipelineSelect = el('select', { name: 'pipeline', id: 'filter-pipeline' },
        ['', ...list.pipelines.map((p) => p.id)].map((id) =>
          el('option', { value: id, selected: id === filters.pipeline }, id || 'all pipelines')));
      const stateSelect = el('select', { name: 'state', id: 'filter-state' },
        STATES.map((s) => el('option', { value: s, selected: s === filters.state }, s || 'all states')));
      const triggerSelect = el('select', { name: 'trigger', id: 'filter-trigger' },
        TRIGGERS.map((t) => el('option', { value: t, selected: t === filters.trigger }, t || 'all triggers')));
      const fromInput = el('input', { type: 'datetime-local', id: 'filter-from', value: toLocalInput(filters.from) });
      const toInput = el('input', { type: 'datetime-local', id: 'filter-to', value: toLocalInput(filters.to) });
      const form = el('form', {
        class: 'filters',
        onsubmit: (event) => {
          event.preventDefault();
          location.hash = '#/runs' + hashQuery({ pipeline: pipelineSelect.value, state: stateSelect.value,
            trigger: triggerSelect.value, from: fromLocalInput(fromInput.value), to: fromLocalInput(toInput.value) });
        },
      },
      el('label', { for: 'filter-pipeline' }, 'Pipeline'), pipelineSelect,
      el('label', { for: 'filter-state' }, 'State'), stateSelect,
      el('label', { for: 'filter-trigger' }, 'Trigger'), triggerSelect,
      el('label', { for: 'filter-from' }, 'Created from'), fromInput,
      el('label', { for: 'filter-to' }, 'to'), toInput,
      el('button', { type: 'submit', 'data-testid': 'filter' }, 'Filter'));
      const paging = el('nav', { class: 'paging', 'aria-label': 'Pages of runs' },
        before ? el('a', { href: '#/runs' + hashQuery(filters) }, '« Newest') : null,
        page.next ? el('a', { href: '#/runs' + hashQuery({ ...filters, before: page.next }), 'data-testid': 'older' },
          'Older »') : null);
      const zones = new Map(list.pipelines.filter((p) => p.schedule).map((p) => [p.id, p.schedule.timezone]));
      const results = el('div', {}, table(page.runs, zones));
      fill(node, el('h1', { id: 'runs-title' }, 'Runs'), form, results, paging);
      const live = (runs) => runs.some((r) => !FINISHED.includes(r.state));
      if (live(page.runs)) {
        stop = every(3000, async () => {
          const again = await read();
          keepingFocus(results, () => fill(results, table(again.runs, zones)));
          if (!live(again.runs)) stop();
        });
      }
    },
    stop() { if (stop) stop(); },
  };
}

function hashQuery(params) {
  const clean = Object.fromEntries(Object.entries(params).filter(([, v]) => v));
  return Object.keys(clean).length ? '?' + new URLSearchParams(clean) : '';
}

function table(runs, zones) {
  if (runs.length === 0) return el('p', {}, 'No runs match.');
  return el('table', { class: 'grid', 'data-testid': 'runs' },
    el('thead', {}, el('tr', {}, ['Run', 'Pipeline', 'State', 'Trigger', 'Logical time', 'Started', 'Duration']
      .map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, runs.map((r) => el('tr', { 'data-run': r.run_id },
      el('td', {}, runLink(r.run_id)),
      el('td', {}, pipelineLink(r.pipeline)),
      el('td', {}, stateBadge(r.state)),
      el('td', {}, r.trigger),
      el('td', {}, time(r.logical_time, zones.get(r.pipeline))),
      el('td', {}, time(r.started_at)),
      el('td', {}, durationOf(r))))));
}
