// One run: its DAG with task states, each task's attempts (executor, Spark app, error, SQL, log, a notebook task's
// executed notebook, read-only), cancel and repair. Refreshed every 2 s while the tab is on screen, until the run has finished and every open log has been
// read to its end. An open log follows its attempt while it runs: each read asks only for the bytes appended since
// (offset), the view stays scrolled to the end unless the viewer scrolled up, and when the attempt is retried the
// new attempt's log opens too.
import { api } from '../api.js';
import { el, fill, time, durationOf, stateBadge, errorBox, pipelineLink, runLink, FINISHED, keepingFocus, every } from '../view.js';
import { ganttChart, destroyCharts } from '../charts.js';
import { versionLink } from './version.js';

/** @param query the hash's query: task and attempt open that attempt's log (the pipeline grid's cells link so) */
export function runPage(runId, query = new URLSearchParams()) {
  const node = el('section', { 'aria-labelledby': 'run-title' });
  // "task/attempt" whose log is shown -> its text so far and the byte offset to read on from, kept across redraws
  const openLogs = new Map();
  const openSql = new Set(); // "task/attempt" whose rendered SQL is unfolded
  // "task/attempt" whose executed notebook is unfolded -> what was read of it ({ notebook } or { error }); re-read
  // while the attempt runs
  const openNotebooks = new Map();
  let stop = null;
  let seen = null; // "task/attempt" of every attempt the last read had
  const wanted = query.get('task');
  if (wanted && query.get('attempt')) openLogs.set(`${wanted}/${query.get('attempt')}`, newLog());
  let definition = null; // the pipeline's tasks (dependencies), fetched once
  let zone; // the pipeline's schedule zone, for its logical time

  /**
   * Reads what the attempt's log gained. A log is complete after a read made once the attempt was already seen
   * ended (one read more than needed, for a last line written as it ended): then it is not read again.
   */
  async function follow(log, taskId, attempt) {
    const ended = attempt.ended_at !== undefined && attempt.ended_at !== null;
    const read = await api.log(runId, taskId, attempt.attempt, log.offset);
    if (read.error) {
      log.text = read.error;
    } else {
      log.text += log.decoder.decode(read.bytes, { stream: true }); // a character may span two reads
      log.offset = read.size;
    }
    log.complete = log.sawEnd;
    log.sawEnd = ended;
  }

  async function refresh() {
    const run = await api.run(runId);
    // an attempt that appeared since the last read, after one whose log is followed (a retry): its log opens too
    for (const t of run.tasks) {
      for (const a of t.attempts) {
        const key = `${t.task_id}/${a.attempt}`;
        const before = openLogs.get(`${t.task_id}/${a.attempt - 1}`);
        if (seen !== null && !seen.has(key) && before && before.following) openLogs.set(key, newLog());
      }
    }
    seen = new Set(run.tasks.flatMap((t) => t.attempts.map((a) => `${t.task_id}/${a.attempt}`)));
    if (definition === null) {
      definition = await api.pipeline(run.pipeline).then((p) => {
        zone = p.schedule ? p.schedule.timezone : undefined;
        return p.detail.tasks;
      }).catch(() => []);
    }
    await Promise.all(run.tasks.flatMap((t) => t.attempts
      .filter((a) => openLogs.has(`${t.task_id}/${a.attempt}`) && !openLogs.get(`${t.task_id}/${a.attempt}`).complete)
      .map((a) => follow(openLogs.get(`${t.task_id}/${a.attempt}`), t.task_id, a))));
    await Promise.all(run.tasks.flatMap((t) => t.attempts
      .filter((a) => openNotebooks.has(`${t.task_id}/${a.attempt}`))
      .map(async (a) => {
        const shown = openNotebooks.get(`${t.task_id}/${a.attempt}`);
        if (shown.final) return;
        const ended = a.ended_at !== undefined && a.ended_at !== null;
        try {
          shown.notebook = await api.notebook(runId, t.task_id, a.attempt);
          shown.error = null;
        } catch (e) {
          shown.error = e.message;
        }
        shown.final = ended;
      })));
    // where each open log is scrolled to, kept across the redraw: at the end (following), or where the viewer left it
    for (const pre of node.querySelectorAll('pre.log[data-key]')) {
      const log = openLogs.get(pre.dataset.key);
      if (log) {
        log.following = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 8;
        log.scrollTop = pre.scrollTop;
      }
    }
    destroyCharts(node);
    keepingFocus(node, () => fill(node,
      el('h1', { id: 'run-title' }, 'Run ', el('code', {}, run.run_id), ' ', stateBadge(run.state)),
      summary(run, zone),
      actions(run, refresh),
      el('h2', {}, 'Graph'),
      graph(run, definition),
      el('h2', {}, 'Attempts over time'),
      ganttChart(run),
      el('h2', {}, 'Tasks'),
      tasks(run, { openLogs, openSql, openNotebooks, definition }, refresh)));
    drawEdges(node.querySelector('[data-testid="dag"]'), definition);
    for (const pre of node.querySelectorAll('pre.log[data-key]')) {
      const log = openLogs.get(pre.dataset.key);
      pre.scrollTop = log.following ? pre.scrollHeight : log.scrollTop;
    }
    // nothing more can change: no more reads
    if (FINISHED.includes(run.state) && stop !== null && [...openLogs.values()].every((l) => l.complete)) {
      stop();
      stop = null;
    }
  }

  return {
    node,
    async start() {
      await refresh();
      // from a grid cell: the task's section on screen, focused, with its attempt's log open
      const section = wanted ? document.getElementById(`task-${wanted}`) : null;
      if (section) {
        section.scrollIntoView();
        section.focus({ preventScroll: true });
      }
      stop = every(2000, refresh);
    },
    stop() {
      if (stop) stop();
      destroyCharts(node);
    },
  };
}

/** An open log, read from its start; followed (kept scrolled to its end) until the viewer scrolls up. */
function newLog() {
  return { text: '', offset: 0, decoder: new TextDecoder(), following: true, scrollTop: 0, sawEnd: false,
    complete: false };
}

function summary(run, zone) {
  const rows = [
    ['Pipeline', pipelineLink(run.pipeline)],
    ['Definition version', versionLink(run.pipeline, run.version, 'version')],
    ['Trigger', run.trigger],
    ['Logical time', time(run.logical_time, zone)],
    ['Created', time(run.created_at)],
    ['Started', time(run.started_at)],
    ['Ended', time(run.ended_at)],
    ['Duration', durationOf(run)],
    ['Parameters', Object.keys(run.params || {}).length
      ? el('code', {}, Object.entries(run.params).map(([k, v]) => `${k}=${v}`).join(' ')) : '—'],
  ];
  if (run.backfill_id) rows.push(['Backfill', run.backfill_id]);
  // what fired a run made by an inbound event: its Idempotency-Key, or the id the daemon gave a keyless event
  if (run.event) rows.push(['Event', el('code', { 'data-testid': 'event' }, run.event)]);
  // what a run of trigger: {after: ...} was made for: each upstream's run
  if (run.upstream_runs) rows.push(['Upstream runs', el('span', { 'data-testid': 'upstream-runs' },
    run.upstream_runs.map((u, i) => [i ? ', ' : '', pipelineLink(u.pipeline), ' ', runLink(u.run_id),
      ` (${u.state.toLowerCase()})`]))]);
  // the run whose run_pipeline task made this one
  if (run.parent_run) rows.push(['Parent run', el('span', { 'data-testid': 'parent-run' },
    pipelineLink(run.parent_run.pipeline), ' ', runLink(run.parent_run.run_id), ` (task ${run.parent_run.task_id})`)]);
  // the files a files trigger started the run for, as it saw them (size in bytes, modification time)
  if (run.files) {
    rows.push(['Files', el('ul', { class: 'plain', 'data-testid': 'files' }, run.files.map((f) =>
      el('li', {}, el('code', {}, f.path), ` ${f.size} B, modified `, time(f.modified_at))))]);
  }
  if (run.git_commit) rows.push(['Git commit', el('code', {}, run.git_commit)]);
  if (run.error) rows.push(['Error', el('span', { class: 'error-text' }, run.error)]);
  // who did what to this run, from the audit log: "triggered by …", "cancelled by …", "repaired by …"
  const did = { 'run.trigger': 'triggered', 'run.cancel': 'cancelled', 'run.repair': 'repaired' };
  const history = (run.audit || []).filter((a) => did[a.action]);
  if (history.length) {
    rows.push(['Who', el('ul', { class: 'plain', 'data-testid': 'audit' }, history.map((a) =>
      el('li', {}, `${did[a.action]} by ${a.actor} `, time(a.at))))]);
  }
  return el('dl', { class: 'summary' }, rows.flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]));
}

function actions(run, refresh) {
  const message = el('span', { 'aria-live': 'polite' });
  const act = (label, testid, call, enabled) => el('button', {
    type: 'button', 'data-testid': testid, disabled: !enabled,
    onclick: async (event) => {
      event.target.disabled = true;
      try {
        await call(run.run_id);
        await refresh();
      } catch (e) {
        fill(message, errorBox(e.message));
        event.target.disabled = false;
      }
    },
  }, label);
  return el('div', { class: 'actions' },
    act('Cancel run', 'cancel', api.cancel, !FINISHED.includes(run.state)),
    act('Repair run', 'repair', api.repair, run.state === 'FAILED' || run.state === 'CANCELLED'),
    message);
}

/** The DAG as columns by depth (a task sits right of everything it depends on), each box in its state's colour. */
function graph(run, definition) {
  // a for-each's iterations are drawn inside its box (a count), not as boxes of their own
  const states = new Map(run.tasks.filter((t) => !t.for_each).map((t) => [t.task_id, t.state]));
  const counts = iterationCounts(run);
  const deps = new Map(definition.map((t) => [t.id, (t.depends_on || []).filter((d) => states.has(d))]));
  const depth = new Map();
  const depthOf = (id, seen = new Set()) => {
    if (depth.has(id)) return depth.get(id);
    if (seen.has(id)) return 0;
    seen.add(id);
    const d = Math.max(-1, ...(deps.get(id) || []).map((p) => depthOf(p, seen))) + 1;
    depth.set(id, d);
    return d;
  };
  const columns = [];
  for (const id of states.keys()) {
    const d = depthOf(id);
    (columns[d] = columns[d] || []).push(id);
  }
  return el('div', { class: 'dag', 'data-testid': 'dag', role: 'list' }, columns.map((ids) =>
    el('div', { class: 'dag-column' }, ids.map((id) => el('a', {
      href: `#task-${id}`, role: 'listitem',
      // the hash is the page's route: go to the task's section without changing it
      onclick: (event) => {
        event.preventDefault();
        const section = document.getElementById(`task-${id}`);
        if (section) {
          section.scrollIntoView();
          section.focus({ preventScroll: true });
        }
      },
      class: `dag-node state-${states.get(id).toLowerCase()}`, 'data-task': id, 'data-state': states.get(id),
      title: (deps.get(id) || []).length ? `after ${deps.get(id).join(', ')}` : 'no dependencies',
    }, el('span', {}, id), el('small', {}, states.get(id), counts.has(id) ? ` · ${counts.get(id)}` : '',
      (deps.get(id) || []).length ? ` · after ${deps.get(id).join(', ')}` : ''))))));
}

/** For each for-each task, how its iterations stand: "2/3 succeeded, 1 failed". */
function iterationCounts(run) {
  const byTask = new Map();
  for (const t of run.tasks.filter((x) => x.for_each)) {
    const c = byTask.get(t.for_each) || { total: 0, states: new Map() };
    c.total += 1;
    c.states.set(t.state, (c.states.get(t.state) || 0) + 1);
    byTask.set(t.for_each, c);
  }
  const text = new Map();
  for (const [id, c] of byTask) {
    const others = [...c.states].filter(([s]) => s !== 'SUCCEEDED').map(([s, n]) => `${n} ${s.toLowerCase()}`);
    text.set(id, [`${c.states.get('SUCCEEDED') || 0}/${c.total} succeeded`, ...others].join(', '));
  }
  return text;
}

/** Arrows from each task to its dependents, over the laid-out boxes (needs the page on screen to measure). */
function drawEdges(dag, definition) {
  if (!dag || !dag.isConnected) return;
  const box = dag.getBoundingClientRect();
  const svgNs = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(svgNs, 'svg');
  svg.setAttribute('class', 'dag-edges');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('width', dag.scrollWidth);
  svg.setAttribute('height', dag.scrollHeight);
  const find = (id) => dag.querySelector(`.dag-node[data-task="${CSS.escape(id)}"]`);
  for (const task of definition) {
    const to = find(task.id);
    for (const dep of task.depends_on || []) {
      const from = find(dep);
      if (!to || !from) continue;
      const a = from.getBoundingClientRect();
      const b = to.getBoundingClientRect();
      const line = document.createElementNS(svgNs, 'line');
      line.setAttribute('x1', a.right - box.left + dag.scrollLeft);
      line.setAttribute('y1', a.top + a.height / 2 - box.top);
      line.setAttribute('x2', b.left - box.left + dag.scrollLeft);
      line.setAttribute('y2', b.top + b.height / 2 - box.top);
      line.setAttribute('data-edge', `${dep}->${task.id}`);
      svg.append(line);
    }
  }
  dag.prepend(svg);
}

function tasks(run, open, refresh) {
  const counts = iterationCounts(run);
  // iterations are grouped under their for-each task, folded unless one of them did not succeed
  return el('div', { class: 'tasks' }, run.tasks.filter((t) => !t.for_each).map((t) => {
    const its = run.tasks.filter((x) => x.for_each === t.task_id);
    const article = task(run, t, open, refresh);
    if (its.length) {
      article.append(el('details', { class: 'iterations', 'data-testid': `iterations-${t.task_id}`,
        open: its.some((x) => x.state !== 'SUCCEEDED' && x.state !== 'QUEUED') },
      el('summary', {}, `${its.length} iterations: ${counts.get(t.task_id)}`),
      its.map((x) => task(run, x, open, refresh))));
    }
    return article;
  }));
}

function task(run, t, open, refresh) {
  return el('article', {
    id: `task-${t.task_id}`, class: 'task', 'data-task': t.task_id, 'data-state': t.state, tabindex: -1,
  },
  el('h3', {}, t.task_id, ' ', stateBadge(t.state)),
  t.for_each ? el('p', { 'data-testid': `item-${t.task_id}` }, 'Item ',
    el('code', {}, typeof t.item === 'string' ? t.item : JSON.stringify(t.item))) : null,
  t.error ? el('p', { class: 'error-text' }, t.error) : null,
  t.outcome !== undefined && t.outcome !== null
    ? el('p', { 'data-testid': `outcome-${t.task_id}` }, 'Outcome ', el('strong', {}, String(t.outcome)))
    : null,
  taskValues(t),
  // the run a run_pipeline task's last attempt made
  t.child_run ? el('p', { 'data-testid': `child-run-${t.task_id}` }, 'Runs ', pipelineLink(t.child_run.pipeline), ' ',
    runLink(t.child_run.run_id), ` (${t.child_run.state.toLowerCase()})`) : null,
  t.next_attempt_at ? el('p', {}, 'Next attempt ', time(t.next_attempt_at)) : null,
  el('table', { class: 'grid' },
    el('thead', {}, el('tr', {}, ['#', 'Repair', 'State', 'Executor', 'Spark app', 'Queued', 'Started',
      'Duration', ''].map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, t.attempts.map((a) => attemptRows(run, t, a, open, refresh)))));
}

// The values the task's succeeded attempt published (what later tasks read), name by name, as JSON.
function taskValues(t) {
  if (!t.values || !Object.keys(t.values).length) return null;
  return el('dl', { class: 'task-values', 'data-testid': `values-${t.task_id}` },
    Object.entries(t.values).flatMap(([name, value]) => [
      el('dt', {}, el('code', {}, name)),
      el('dd', {}, el('code', {}, JSON.stringify(value))),
    ]));
}

// The executor's History Server (or master UI) page of the attempt's application, when it has one.
function sparkApp(a) {
  if (!a.spark_app_id) return '—';
  const id = el('code', {}, a.spark_app_id);
  return a.spark_app_url
    ? el('a', { href: a.spark_app_url, target: '_blank', rel: 'noopener', 'data-testid': 'spark-app' }, id)
    : id;
}

function attemptRows(run, t, a, { openLogs, openSql, openNotebooks, definition }, refresh) {
  const key = `${t.task_id}/${a.attempt}`;
  const open = openLogs.has(key);
  const rows = [el('tr', {},
    el('td', {}, a.attempt),
    el('td', {}, a.repair),
    el('td', {}, stateBadge(a.state)),
    el('td', {}, a.executor, a.remote_id ? el('div', { class: 'muted' }, a.remote_id) : null),
    el('td', {}, sparkApp(a)),
    el('td', {}, time(a.queued_at)),
    el('td', {}, time(a.started_at)),
    el('td', {}, durationOf(a)),
    el('td', {}, el('button', {
      type: 'button', 'aria-expanded': open, 'data-testid': `log-${key}`,
      onclick: () => {
        if (open) openLogs.delete(key);
        else openLogs.set(key, newLog());
        refresh().then(() => {
          if (stop === null && [...openLogs.values()].some((l) => !l.complete)) stop = every(2000, refresh);
        });
      },
    }, open ? 'Hide log' : 'Log')))];
  const extra = [];
  if (a.error) extra.push(el('p', { class: 'error-text' }, a.error));
  if (a.spark_metrics) {
    extra.push(el('p', { class: 'muted', 'data-testid': `metrics-${key}` }, 'Spark: ', sparkFigures(a.spark_metrics)));
  }
  if (a.rendered) {
    const details = el('details', {
      ontoggle: (e) => { if (e.target.open) openSql.add(key); else openSql.delete(key); },
    }, el('summary', {}, 'Rendered SQL'), el('pre', {}, a.rendered));
    details.open = openSql.has(key); // redraws every 2 s keep it unfolded
    extra.push(details);
  }
  if ((definition || []).some((d) => d.id === t.task_id && d.kind === 'notebook')) {
    const details = el('details', {
      'data-testid': `notebook-${key}`,
      ontoggle: (e) => {
        if (e.target.open === openNotebooks.has(key)) return; // the redraw's own setting
        if (e.target.open) openNotebooks.set(key, {});
        else openNotebooks.delete(key);
        refresh();
      },
    }, el('summary', {}, 'Executed notebook'), openNotebooks.has(key) ? notebookView(openNotebooks.get(key)) : null);
    details.open = openNotebooks.has(key);
    extra.push(details);
  }
  if (open) {
    extra.push(el('pre', { class: 'log', 'data-testid': `log-text-${key}`, 'data-key': key, tabindex: 0,
      'aria-label': `log of ${t.task_id}, attempt ${a.attempt}` }, openLogs.get(key).text));
  }
  if (extra.length) rows.push(el('tr', {}, el('td', { colspan: 9 }, extra)));
  return rows;
}

/** The text of a notebook field: nbformat keeps text as a string or a list of lines. */
function notebookText(value) {
  return Array.isArray(value) ? value.join('') : String(value ?? '');
}

/**
 * A result's or display()'s richest form. The notebook's output is user data and must never run in the dashboard's
 * origin: HTML only inside an iframe sandboxed without scripts (nor its own origin), fed by srcdoc; SVG, PNG and JPEG
 * only as an <img> of a data: URI (an image never runs script); everything else (Markdown too) as text.
 */
function richOutput(data, outputType) {
  if (data['text/html'] !== undefined) {
    return el('iframe', { class: 'nb-html', sandbox: '', referrerpolicy: 'no-referrer', title: 'HTML output',
      srcdoc: notebookText(data['text/html']) });
  }
  const image = (mime, base64) => (/^[A-Za-z0-9+/=\s]+$/.test(base64)
    ? el('img', { class: 'nb-image', alt: `${mime} output`, src: `data:${mime};base64,${base64.replace(/\s/g, '')}` })
    : null);
  if (data['image/svg+xml'] !== undefined) {
    const svg = new TextEncoder().encode(notebookText(data['image/svg+xml']));
    return image('image/svg+xml', btoa(Array.from(svg, (b) => String.fromCharCode(b)).join('')));
  }
  for (const mime of ['image/png', 'image/jpeg']) {
    if (data[mime] !== undefined) {
      const shown = image(mime, notebookText(data[mime]));
      if (shown) return shown;
    }
  }
  for (const mime of ['text/markdown', 'text/plain']) {
    if (data[mime] !== undefined) return el('pre', { class: 'nb-output' }, notebookText(data[mime]));
  }
  return el('pre', { class: 'nb-output' }, `(${Object.keys(data).join(', ') || outputType} output not shown)`);
}

/**
 * An executed notebook, read-only: each cell's source, then its outputs (streams, results and displays in their
 * richest safe form, an error's traceback). Text from the notebook is always text: el() makes text nodes.
 */
function notebookView(shown) {
  if (shown.error) return el('p', { class: 'muted' }, `(no executed notebook: ${shown.error})`);
  if (!shown.notebook) return el('p', { class: 'muted' }, 'Loading…');
  const plain = (text) => text.replace(/\u001b\[[0-9;]*m/g, ''); // tracebacks may carry terminal colours
  return el('ol', { class: 'notebook', 'data-testid': 'notebook-cells' }, (shown.notebook.cells || []).map((cell) => {
    const code = cell.cell_type === 'code';
    const tags = (cell.metadata && cell.metadata.tags) || [];
    const outputs = (cell.outputs || []).map((o) => {
      if (o.output_type === 'stream') {
        return el('pre', { class: o.name === 'stderr' ? 'nb-output error-text' : 'nb-output' }, notebookText(o.text));
      }
      if (o.output_type === 'error') {
        return el('pre', { class: 'nb-output error-text' },
          plain((o.traceback || []).join('\n') || `${o.ename}: ${o.evalue}`));
      }
      return richOutput(o.data || {}, o.output_type);
    });
    return el('li', { class: `nb-cell nb-${cell.cell_type}`, 'data-tags': tags.join(' ') },
      el('div', { class: 'muted' }, code ? `In [${cell.execution_count ?? ' '}]` : cell.cell_type,
        tags.length ? ` (${tags.join(', ')})` : ''),
      el('pre', { class: 'nb-source' }, notebookText(cell.source)),
      outputs);
  }));
}

/** What an attempt did in Spark, in one line: a figure its executor could not give is left out, a zero shown. */
function sparkFigures(m) {
  const has = (v) => v !== undefined && v !== null;
  const parts = [];
  if (m.tasks && has(m.tasks.succeeded)) {
    let tasks = `${m.tasks.succeeded} tasks`;
    if (m.tasks.failed) tasks += `, ${m.tasks.failed} failed`;
    if (m.tasks.killed) tasks += `, ${m.tasks.killed} killed`;
    parts.push(tasks);
  }
  if (has(m.input_records)) parts.push(`read ${m.input_records} rows (${bytes(m.input_bytes)})`);
  if (has(m.output_records)) parts.push(`wrote ${m.output_records} rows (${bytes(m.output_bytes)})`);
  if (has(m.shuffle_write_bytes)) {
    parts.push(`shuffled ${bytes(m.shuffle_write_bytes)} out, ${bytes(m.shuffle_read_bytes)} in`);
  }
  if (has(m.disk_spill_bytes)) {
    parts.push(m.disk_spill_bytes || m.memory_spill_bytes
      ? `spilled ${bytes(m.memory_spill_bytes)} (${bytes(m.disk_spill_bytes)} on disk)` : 'no spill');
  }
  if (has(m.executor_cpu_time_ms)) parts.push(`CPU ${m.executor_cpu_time_ms} ms`);
  if (has(m.gc_time_ms)) parts.push(`GC ${m.gc_time_ms} ms`);
  // the stage whose slowest task is furthest above its median: where skew shows first
  const skewed = (m.stage_skew || []).filter((st) => st.tasks > 1)
    .sort((x, y) => (y.slowest_task_ms - y.median_task_ms) - (x.slowest_task_ms - x.median_task_ms))[0];
  if (skewed) {
    parts.push(`stage ${skewed.stage_id}: slowest task ${skewed.slowest_task_ms} ms, median ${skewed.median_task_ms} ms`);
  }
  return parts.join(' · ');
}

function bytes(n) {
  if (n === undefined || n === null) return '?';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u += 1;
  }
  return u === 0 ? `${v} B` : `${v.toFixed(1)} ${units[u]}`;
}
