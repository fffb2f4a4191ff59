// Home: what needs attention now, each item linking to where to act. Failing pipelines (with their streak), runs
// running now (with their progress), late runs, paused pipelines, files that failed to load, executors' health.
// Redrawn every 5 s while the tab is on screen.
import { api, ApiError } from '../api.js';
import { el, fill, time, durationOf, errorBox, pipelineLink, runLink, keepingFocus, every, FINISHED } from '../view.js';
import { loadErrors } from './pipelines.js';

const SHOWN_RUNNING = 10; // running runs shown with their progress (one read each); the rest are counted
const LISTED_RUNS = 20; // the newest runs GET /pipelines carries for each pipeline (recent_runs)

export function homePage() {
  const node = el('section', { 'aria-labelledby': 'home-title' });
  let stop = null;

  async function refresh() {
    const [list, running, executors, late] = await Promise.all([
      api.pipelines(),
      api.runs({ state: 'RUNNING', limit: 100 }),
      // executors' health is for callers who see the whole daemon; others get no section
      api.executors().catch((e) => (e instanceof ApiError && e.status === 403 ? null : Promise.reject(e))),
      api.lateRuns().then((page) => page.late_runs),
    ]);
    const details = await Promise.all(running.runs.slice(0, SHOWN_RUNNING).map((r) => api.run(r.run_id)));
    const failing = list.pipelines.map((p) => ({ p, streak: failureStreak(p.recent_runs || []) }))
      .filter((f) => f.streak.count > 0)
      .sort((a, b) => b.streak.count - a.streak.count || a.p.id.localeCompare(b.p.id));
    const paused = list.pipelines.filter((p) => p.paused);
    const errors = list.load_errors || [];
    const sick = executors ? executors.executors.filter((x) => !x.healthy) : [];
    const calm = failing.length + late.length + paused.length + errors.length + sick.length === 0;
    keepingFocus(node, () => fill(node,
      el('h1', { id: 'home-title' }, 'Needs attention'),
      calm ? el('p', { 'data-testid': 'all-clear' }, 'Nothing needs attention: no pipeline is failing, late or paused, '
        + 'every file loaded and every executor is healthy.') : null,
      failingSection(failing),
      runningSection(details, running.runs.length),
      lateSection(late),
      pausedSection(paused, refresh),
      errors.length ? el('section', { class: 'attention', 'data-testid': 'load-errors-section' }, loadErrors(errors))
        : null,
      executors ? executorSection(executors.executors) : null));
  }

  return {
    node,
    async start() {
      await refresh();
      stop = every(5000, refresh);
    },
    stop() { if (stop) stop(); },
  };
}

/**
 * How many of a pipeline's newest finished runs failed in a row (runs still going are passed over), and the newest
 * of them; {@code more} when all of the (at most 20) runs the list carries failed, so the streak may be longer.
 */
export function failureStreak(recentRuns) {
  const finished = recentRuns.filter((r) => FINISHED.includes(r.state));
  let count = 0;
  while (count < finished.length && finished[count].state === 'FAILED') count += 1;
  return { count, newest: count ? finished[0] : null,
    more: count > 0 && count === finished.length && recentRuns.length >= LISTED_RUNS };
}

function section(testid, title, ...content) {
  const id = `${testid}-title`;
  return el('section', { class: 'attention', 'data-testid': testid, 'aria-labelledby': id },
    el('h2', { id }, title), ...content);
}

function failingSection(failing) {
  if (failing.length === 0) return null;
  return section('failing', `Failing pipelines (${failing.length})`,
    el('ul', { class: 'plain items' }, failing.map(({ p, streak }) => el('li', { 'data-pipeline': p.id },
      pipelineLink(p.id), ' ',
      el('span', { class: 'streak', 'data-testid': `streak-${p.id}` },
        `failed ${streak.count}${streak.more ? '+' : ''} time${streak.count > 1 ? 's' : ''} in a row`),
      ' · last failure ', time(streak.newest.created_at), ' · ',
      runLink(streak.newest.run_id, `repair run ${streak.newest.run_id}`),
      p.owner ? el('span', { class: 'muted' }, ` · owner ${p.owner}`) : null))));
}

function runningSection(runs, total) {
  if (total === 0) return section('running', 'Running now', el('p', { class: 'muted' }, 'No run is running.'));
  return section('running', `Running now (${total})`,
    el('ul', { class: 'plain items' }, runs.map((run) => {
      const done = run.tasks.filter((t) => isDone(t.state)).length;
      const active = run.tasks.filter((t) => t.state === 'RUNNING' || t.state === 'UP_FOR_RETRY')
        .map((t) => t.task_id);
      return el('li', { 'data-run': run.run_id },
        runLink(run.run_id), ' of ', pipelineLink(run.pipeline), ' ',
        el('progress', { max: run.tasks.length || 1, value: done, 'aria-label': `${run.run_id}: ${done} of ${run.tasks.length} tasks done` }),
        ' ', el('span', { 'data-testid': `progress-${run.run_id}` }, `${done} of ${run.tasks.length} tasks done`),
        active.length ? el('span', { class: 'muted' }, ` · now ${active.join(', ')}`) : null,
        ` · ${durationOf(run)}`);
    })),
    total > runs.length ? el('p', {}, el('a', { href: '#/runs?state=RUNNING' }, `All ${total} running runs`)) : null);
}

function isDone(state) {
  return !['QUEUED', 'PENDING', 'RUNNING', 'UP_FOR_RETRY'].includes(state);
}

function lateSection(late) {
  if (late.length === 0) return null;
  return section('late-runs', `Late runs (${late.length})`,
    el('ul', { class: 'plain items' }, late.map((l) => el('li', {},
      pipelineLink(l.pipeline), l.run_id ? [' ', runLink(l.run_id)] : null, ' · ', time(l.logical_time),
      ` · ${l.message}`))));
}

function pausedSection(paused, refresh) {
  if (paused.length === 0) return null;
  return section('paused', `Paused pipelines (${paused.length})`,
    el('ul', { class: 'plain items' }, paused.map((p) => el('li', { 'data-pipeline': p.id },
      pipelineLink(p.id), p.owner ? el('span', { class: 'muted' }, ` · owner ${p.owner}`) : null, ' ',
      el('button', {
        type: 'button', 'data-testid': `resume-${p.id}`,
        onclick: async (event) => {
          event.target.disabled = true;
          try {
            await api.resume(p.id);
          } catch (e) {
            event.target.after(errorBox(e.message));
          }
          await refresh();
        },
      }, `Resume ${p.id}`)))));
}

function executorSection(executors) {
  return section('executors', 'Executors',
    el('ul', { class: 'plain items' }, executors.map((x) => el('li', { 'data-executor': x.name },
      el('span', { class: `state ${x.healthy ? 'state-succeeded' : 'state-failed'}` }, x.healthy ? 'healthy' : 'unhealthy'),
      ' ', el('strong', {}, x.name), ' ', el('span', { class: x.healthy ? 'muted' : 'error-text' }, x.message)))));
}
