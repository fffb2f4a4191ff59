// One pipeline: its definition (YAML), stored versions, recent runs with their success rate.
import { api } from '../api.js';
import { el, fill, time, durationOf, stateBadge, runLink, FINISHED } from '../view.js';
import { describeCron } from '../cron.js';
import { durationChart, trendChart, destroyCharts } from '../charts.js';
import { versionLink } from './version.js';
import { gridTable } from './grid.js';
import { baselineCaption, muteControl } from './alerting.js';
import { labels } from './pipelines.js';

const GRID_RUNS = 25;

export function pipelinePage(id) {
  const node = el('section', { 'aria-labelledby': 'pipeline-title' });
  return {
    node,
    async start() {
      const [p, grid, baseline, mute, all] = await Promise.all([api.pipeline(id), api.grid(id, GRID_RUNS),
        api.baseline(id).catch(() => null), api.muteState(id).catch(() => null),
        api.pipelines().catch(() => null)]);
      destroyCharts(node);
      const runs = p.detail.recent_runs || [];
      const finished = runs.filter((r) => FINISHED.includes(r.state));
      const succeeded = finished.filter((r) => r.state === 'SUCCEEDED').length;
      fill(node,
        el('h1', { id: 'pipeline-title' }, p.id),
        p.description ? el('p', {}, p.description) : null,
        (p.load_errors || []).length ? el('div', { class: 'load-errors', role: 'alert' },
          el('h2', {}, 'The file is broken now; the last good version runs'),
          el('ul', {}, p.load_errors.map((e) => el('li', {}, el('code', {}, e))))) : null,
        el('dl', { class: 'summary' },
          el('dt', {}, p.trigger ? 'Runs after' : p.files ? 'Runs when files arrive' : p.continuous ? 'Runs' : 'Schedule'),
          el('dd', { 'data-testid': 'schedule' }, p.trigger
            ? upstreams(p.trigger)
            : p.files ? filesTrigger(p.files)
            : p.continuous ? 'continuous: one run kept going'
            : p.schedule ? `${describeCron(p.schedule.cron)} (${p.schedule.cron}, ${p.schedule.timezone})` : 'manual only'),
          el('dt', {}, 'Next fire'), el('dd', { 'data-testid': 'next-fire' }, p.paused ? 'paused'
            : p.trigger ? 'when its upstreams have run'
            : p.files ? 'when new or changed files have settled'
            : p.continuous ? 'when its run ends (after a backoff if it failed)'
            : time(p.next_fire_time, p.schedule && p.schedule.timezone)),
          el('dt', {}, 'Events'), el('dd', { 'data-testid': 'events' }, events(p)),
          el('dt', {}, 'Pipelines after it'), el('dd', { 'data-testid': 'downstream' }, downstream(p.id, all)),
          el('dt', {}, 'Tags and owner'), el('dd', { 'data-testid': 'labels' }, labels(p)),
          el('dt', {}, 'File'), el('dd', {}, el('code', {}, p.file)),
          el('dt', {}, 'Version'), el('dd', {}, versionLink(p.id, p.version)),
          el('dt', {}, 'Success rate'), el('dd', { 'data-testid': 'success-rate' }, finished.length
            ? `${Math.round(100 * succeeded / finished.length)}% of the last ${finished.length} finished runs`
            : 'no finished runs yet'),
          el('dt', {}, 'Alerts'), el('dd', {}, muteControl(p.id, mute, () => this.start()))),
        el('p', {}, el('a', { href: `#/runs?pipeline=${encodeURIComponent(p.id)}` }, 'All runs of this pipeline'),
          ' · ', el('a', { href: `#/alerts?pipeline=${encodeURIComponent(p.id)}`, 'data-testid': 'pipeline-alerts' },
            'Alerts of this pipeline')),
        el('h2', {}, 'Grid'),
        gridTable(grid),
        el('h2', {}, 'Task trends'),
        el('div', { class: 'trends' },
          trendChart(grid, 'duration_ms', 'duration (ms)'),
          trendChart(grid, 'input_records', 'rows read'),
          trendChart(grid, 'output_records', 'rows written'),
          trendChart(grid, 'spill_bytes', 'bytes spilled to disk')),
        el('h2', {}, 'Recent runs'),
        durationChart(runs, baseline),
        baselineCaption(baseline),
        runs.length ? el('table', { class: 'grid' },
          el('thead', {}, el('tr', {}, ['Run', 'State', 'Trigger', 'Started', 'Duration']
            .map((h) => el('th', { scope: 'col' }, h)))),
          el('tbody', {}, runs.map((r) => el('tr', {}, el('td', {}, runLink(r.run_id)), el('td', {}, stateBadge(r.state)),
            el('td', {}, r.trigger), el('td', {}, time(r.started_at)), el('td', {}, durationOf(r))))))
          : el('p', {}, 'No runs yet.'),
        el('h2', {}, 'Definition'),
        el('pre', { class: 'yaml', 'data-testid': 'yaml', tabindex: 0 }, p.detail.source),
        el('h2', {}, 'Versions'),
        el('table', { class: 'grid' },
          el('thead', {}, el('tr', {}, ['Content hash', 'Loaded', 'Git commit', 'File', '']
            .map((h) => el('th', { scope: 'col' }, h)))),
          el('tbody', {}, (p.detail.versions || []).map((v) => el('tr', {},
            el('td', {}, versionLink(p.id, v.content_hash)), el('td', {}, time(v.loaded_at)),
            el('td', {}, v.git_commit ? el('code', {}, v.git_commit) : '—'), el('td', {}, v.file),
            el('td', {}, v.current ? 'current' : ''))))));
    },
    stop() { destroyCharts(node); },
  };
}

/** How events start a run of this pipeline: with a token always, signed too when it names a secret. */
function events(p) {
  const route = el('code', {}, `POST /api/v1/pipelines/${p.id}/events`);
  return p.events
    ? [route, ' with an operator token, or signed with the secret ', el('code', {}, p.events.secret)]
    : [route, ' with an operator token'];
}

/** The pipelines whose trigger waits for this one, each a link, and the graph of them all. */
function downstream(id, all) {
  const after = ((all && all.pipelines) || [])
    .filter((q) => q.trigger && q.trigger.after.some((a) => a.pipeline === id));
  return [after.length
    ? after.flatMap((q, i) => [i ? ', ' : '', el('a', { href: `#/pipelines/${encodeURIComponent(q.id)}` }, q.id)])
    : 'none', ' · ', el('a', { href: '#/dependencies' }, 'dependency graph')];
}

/** "landing/*.csv, settled for 30s, at most one run per 1m": what trigger: {files: ...} watches. */
function filesTrigger(files) {
  return el('span', {}, el('code', {}, `${files.path}/${files.pattern}`),
    `, settled for ${files.settle}, at most one run per ${files.min_interval}`);
}

/** "ingest (succeeded), cleanup (done), for the same day in Europe/Berlin": each upstream a link to its page. */
function upstreams(trigger) {
  const parts = [];
  trigger.after.forEach((a, i) => {
    if (i > 0) parts.push(', ');
    parts.push(el('a', { href: `#/pipelines/${encodeURIComponent(a.pipeline)}` }, a.pipeline), ` (${a.state})`);
  });
  parts.push(trigger.match === 'any' ? ', each of their runs' : `, for the same day in ${trigger.timezone}`);
  return parts;
}
