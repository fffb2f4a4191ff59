// Charts drawn by Chart.js (vendored from npm; loaded by index.html as window.Chart). Times are seconds from
// the run's first queued attempt, so no date adapter is needed.
import { el, formatTime } from './view.js';

const COLOURS = { wait: '#8c959f', SUCCEEDED: '#1a7f37', FAILED: '#cf222e', TIMED_OUT: '#cf222e',
  RUNNING: '#0969da', CANCELLED: '#6e7781', QUEUED: '#8c959f' };

function canvas(testid, label, height) {
  const node = el('canvas', { 'data-testid': testid, role: 'img', 'aria-label': label });
  // the height through CSSOM: the Content-Security-Policy refuses style attributes
  const wrap = el('div', { class: 'chart' }, node);
  wrap.style.height = `${height}px`;
  return { node, wrap };
}

/**
 * A Gantt chart of a run's attempts: one bar per attempt, grey while it waited in the queue, then its state's
 * colour while it ran (to now for a running one).
 */
export function ganttChart(run, now = Date.now()) {
  const attempts = run.tasks.flatMap((t) => t.attempts.map((a) => ({ task: t.task_id, ...a })));
  const queued = attempts.map((a) => Date.parse(a.queued_at)).filter((t) => !Number.isNaN(t));
  const { node, wrap } = canvas('gantt', `Gantt chart of ${attempts.length} attempts`, 90 + 36 * attempts.length);
  if (attempts.length === 0 || queued.length === 0 || !window.Chart) return wrap;
  const origin = Math.min(...queued);
  const at = (iso) => (iso ? (Date.parse(iso) - origin) / 1000 : (now - origin) / 1000);
  const labels = attempts.map((a) => `${a.task} #${a.attempt}${a.repair ? ` (repair ${a.repair})` : ''}`);
  const wait = attempts.map((a) => [at(a.queued_at), a.started_at ? at(a.started_at) : at(a.ended_at)]);
  const ran = attempts.map((a) => (a.started_at ? [at(a.started_at), at(a.ended_at)] : null));
  new window.Chart(node, {
    type: 'bar',
    data: {
      labels,
      datasets: [
        { label: 'queue wait', data: wait, backgroundColor: COLOURS.wait },
        { label: 'running', data: ran, backgroundColor: attempts.map((a) => COLOURS[a.state] || COLOURS.RUNNING) },
      ],
    },
    options: {
      indexAxis: 'y', animation: false, maintainAspectRatio: false,
      scales: { x: { beginAtZero: true, title: { display: true, text: 'seconds since the first attempt was queued' } },
        y: { stacked: true } },
      plugins: { legend: { position: 'bottom' } },
    },
  });
  return wrap;
}

/**
 * Durations of recent finished runs, oldest left, each bar in its run's state colour. With a learned baseline
 * (GET /pipelines/{id}/baseline), a band from its p95 to the duration past which a run alerts run_slow (k times the
 * p95), or the p95 alone when the pipeline has no duration_anomaly.
 */
export function durationChart(runs, baseline) {
  const done = runs.filter((r) => r.duration_ms !== undefined && r.duration_ms !== null).slice().reverse();
  const { node, wrap } = canvas('duration-chart', `Durations of the last ${done.length} runs`, 220);
  if (done.length === 0 || !window.Chart) return wrap;
  const datasets = [{ label: 'duration (s)', data: done.map((r) => r.duration_ms / 1000),
    backgroundColor: done.map((r) => COLOURS[r.state] || COLOURS.QUEUED), order: 2 }];
  const flat = (ms) => done.map(() => ms / 1000);
  if (baseline && baseline.p95_ms !== undefined && baseline.p95_ms !== null) {
    datasets.push({ type: 'line', label: `p95 of the last ${baseline.runs} successful runs`, data: flat(baseline.p95_ms),
      borderColor: '#9a6700', borderDash: [6, 4], pointRadius: 0, fill: false, order: 1 });
    if (baseline.threshold_ms !== undefined && baseline.threshold_ms !== null) {
      datasets.push({ type: 'line', label: `slow past ${baseline.k} x p95 (run_slow)`, data: flat(baseline.threshold_ms),
        borderColor: '#cf222e', backgroundColor: 'rgba(212, 167, 44, 0.18)', pointRadius: 0, fill: '-1', order: 1 });
    }
  }
  new window.Chart(node, {
    type: 'bar',
    data: { labels: done.map((r) => formatTime(r.started_at)), datasets },
    options: { animation: false, maintainAspectRatio: false,
      plugins: { legend: { display: datasets.length > 1, position: 'bottom' } },
      scales: { y: { beginAtZero: true, title: { display: true, text: 'seconds' } } } },
  });
  return wrap;
}

/**
 * One figure of each task over the grid's runs (oldest left), a line per task, so that a change stands out. A run
 * without the figure (not run, or its executor gave none) leaves a gap, not a zero.
 */
export function trendChart(grid, field, label) {
  const runs = grid.runs.slice().reverse();
  const testid = `trend-${field}`;
  const { node, wrap } = canvas(testid, `${label} of each task over the last ${runs.length} runs`, 200);
  if (runs.length === 0 || !window.Chart) return wrap;
  const value = (cell) => (cell && cell[field] !== undefined && cell[field] !== null ? cell[field] : null);
  const datasets = grid.tasks
    .map((task) => ({ label: task, data: runs.map((r) => value(r.cells[task])), spanGaps: false }))
    .filter((d) => d.data.some((v) => v !== null));
  new window.Chart(node, {
    type: 'line',
    data: { labels: runs.map((r) => formatTime(r.started_at || r.created_at)), datasets },
    options: { animation: false, maintainAspectRatio: false, plugins: { legend: { position: 'bottom' },
      title: { display: true, text: label } }, scales: { y: { beginAtZero: true } } },
  });
  return wrap;
}

/** Chart.js keeps every chart it drew; a page that redraws lets go of the old ones first. */
export function destroyCharts(root) {
  if (!window.Chart) return;
  root.querySelectorAll('canvas').forEach((c) => {
    const chart = window.Chart.getChart(c);
    if (chart) chart.destroy();
  });
}
