// A pipeline's grid (as in Airflow): its newest runs as columns (oldest left), its tasks as rows, one coloured cell
// per task run; a cell names its state, attempts and duration on hover and opens its latest attempt's log.
import { el, formatTime, duration } from '../view.js';

/** @param grid the answer of GET /pipelines/{id}/grid: runs newest first, each with its cells by task id */
export function gridTable(grid) {
  const runs = grid.runs.slice().reverse();
  if (runs.length === 0) return el('p', { 'data-testid': 'grid' }, 'No runs yet.');
  const zone = grid.timezone || undefined;
  const head = el('tr', {}, el('th', { scope: 'col' }, 'Task'), runs.map((r) => el('th', { scope: 'col' },
    el('a', {
      href: `#/runs/${encodeURIComponent(r.run_id)}`, class: `cell state-${r.state.toLowerCase()}`,
      'data-testid': `grid-run-${r.run_id}`, 'data-state': r.state,
      title: `run ${r.run_id}: ${r.state}, ${r.trigger}, ${formatTime(r.logical_time || r.created_at, zone)}`
        + `, ${duration(r.duration_ms)}`,
      'aria-label': `run ${r.run_id}: ${r.state}`,
    }))));
  const rows = grid.tasks.map((task) => el('tr', { 'data-task': task },
    el('th', { scope: 'row' }, task),
    runs.map((r) => el('td', {}, cell(r, task, r.cells[task])))));
  return el('div', { class: 'run-grid-wrap' },
    el('p', { class: 'muted', id: 'grid-note' },
      `The last ${runs.length} runs, oldest left; a cell opens its latest attempt's log.`),
    el('table', { class: 'run-grid', 'data-testid': 'grid', 'aria-describedby': 'grid-note' },
      el('thead', {}, head), el('tbody', {}, rows)));
}

function cell(run, task, c) {
  if (!c) return el('span', { class: 'cell none', title: `${task} was not part of run ${run.run_id}` });
  const attempts = `${c.attempts} attempt${c.attempts === 1 ? '' : 's'}`;
  const query = new URLSearchParams({ task, ...(c.attempt ? { attempt: c.attempt } : {}) });
  const text = `${task} in run ${run.run_id}: ${c.state}, ${attempts}, ${duration(c.duration_ms)}`;
  return el('a', {
    href: `#/runs/${encodeURIComponent(run.run_id)}?${query}`, class: `cell state-${c.state.toLowerCase()}`,
    'data-testid': `cell-${run.run_id}-${task}`, 'data-state': c.state, 'data-attempt': c.attempt,
    title: text, 'aria-label': text,
  });
}
