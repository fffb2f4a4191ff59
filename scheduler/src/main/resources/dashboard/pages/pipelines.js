// Every pipeline: schedule, next fire, paused toggle, recent runs as squares (oldest left), load errors, Run now.
import { api } from '../api.js';
import { el, fill, time, formatTime, utcText, errorBox, pipelineLink, runLink, keepingFocus } from '../view.js';
import { describeCron } from '../cron.js';

export function pipelinesPage() {
  const node = el('section', { 'aria-labelledby': 'pipelines-title' });
  const flash = el('div', { 'aria-live': 'polite', 'data-testid': 'flash' });
  let timer = null;

  /** A run was started: say so above the table, which refreshes (the form closes) to show it. */
  function started(run) {
    fill(flash, 'Started run ', runLink(run.run_id), ` of ${run.pipeline}.`);
    return refresh();
  }

  async function refresh() {
    // one request: the list carries each pipeline's newest runs (recent_runs), newest first
    const list = await api.pipelines();
    keepingFocus(node, () => fill(node,
      el('h1', { id: 'pipelines-title' }, 'Pipelines'),
      flash,
      loadErrors(list.load_errors || []),
      table(list.pipelines, refresh, started)));
  }

  return {
    node,
    async start() {
      await refresh();
      // not while someone fills in a Run now form, which a redraw would reset
      timer = setInterval(() => {
        if (!node.querySelector('details.run-now[open]')) refresh().catch(() => {});
      }, 2000);
    },
    stop() { clearInterval(timer); },
  };
}

function loadErrors(errors) {
  if (errors.length === 0) return null;
  return el('div', { class: 'load-errors', role: 'alert', 'data-testid': 'load-errors' },
    el('h2', {}, `${errors.length} pipeline file${errors.length > 1 ? 's' : ''} failed to load`),
    el('ul', {}, errors.map((e) => el('li', {}, el('code', {}, e.file),
      el('ul', {}, e.problems.map((p) => el('li', {}, el('code', {}, p))))))));
}

function table(pipelines, refresh, started) {
  if (pipelines.length === 0) return el('p', {}, 'No pipelines are loaded.');
  return el('table', { class: 'grid' },
    el('thead', {}, el('tr', {},
      ['Pipeline', 'Schedule', 'Next fire', 'Recent runs', 'Paused', ''].map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, pipelines.map((p) => row(p, refresh, started))));
}

function row(p, refresh, started) {
  const runs = p.recent_runs || [];
  const zone = p.schedule ? p.schedule.timezone : p.trigger ? p.trigger.timezone : undefined;
  const schedule = p.schedule
    ? el('div', {}, el('div', {}, describeCron(p.schedule.cron)),
      el('code', { class: 'muted' }, `${p.schedule.cron} (${p.schedule.timezone})`))
    : p.trigger ? el('span', { 'data-testid': `after-${p.id}` },
      `after ${p.trigger.after.map((a) => a.pipeline).join(', ')}`)
      : el('span', { class: 'muted' }, 'manual only');
  const squares = el('div', { class: 'squares', 'data-testid': `squares-${p.id}` },
    runs.slice().reverse().map((r) => el('a', {
      href: `#/runs/${encodeURIComponent(r.run_id)}`,
      class: `square state-${r.state.toLowerCase()}`,
      'data-state': r.state,
      title: `${r.state} · ${r.trigger} · ${when(r.logical_time || r.created_at, zone)}`,
      'aria-label': `run ${r.run_id}: ${r.state}`,
    })));
  const toggle = el('input', {
    type: 'checkbox', checked: p.paused, 'data-testid': `paused-${p.id}`,
    'aria-label': `pause ${p.id}`, disabled: !p.schedule && !p.trigger,
    onchange: async (event) => {
      event.target.disabled = true;
      try {
        await (event.target.checked ? api.pause(p.id) : api.resume(p.id));
      } finally {
        await refresh();
      }
    },
  });
  const problems = (p.load_errors || []).length > 0
    ? el('div', { class: 'error' }, `File broken, running last good version: ${p.load_errors[0]}`) : null;
  return el('tr', { 'data-pipeline': p.id },
    el('th', { scope: 'row' }, pipelineLink(p.id), p.description ? el('div', { class: 'muted' }, p.description) : null,
      problems),
    el('td', {}, schedule),
    el('td', {}, p.paused ? el('span', { class: 'muted' }, 'paused') : time(p.next_fire_time, zone)),
    el('td', {}, squares),
    el('td', {}, el('label', {}, toggle, ' paused')),
    el('td', {}, runNowForm(p, started)));
}

/** A time with its zone named followed by the UTC instant, for a tooltip. */
function when(iso, zone) {
  return `${formatTime(iso, zone)} (${utcText(iso)})`;
}

/** "Run now" with a field per declared parameter (empty fields keep the default). */
function runNowForm(p, started) {
  const details = el('details', { class: 'run-now' });
  const message = el('div', { 'aria-live': 'polite' });
  const fields = el('div', { class: 'params' });
  const form = el('form', {
    onsubmit: async (event) => {
      event.preventDefault();
      const params = {};
      for (const input of form.querySelectorAll('input[name]')) {
        if (input.value !== '') params[input.name] = input.value;
      }
      try {
        const run = await api.trigger(p.id, params);
        details.open = false;
        await started(run);
      } catch (e) {
        fill(message, errorBox(e.message));
      }
    },
  }, fields, el('button', { type: 'submit', 'data-testid': `run-${p.id}` }, `Run ${p.id}`), message);
  details.append(el('summary', { 'data-testid': `run-now-${p.id}` }, 'Run now'), form);
  // parameters come with the pipeline's own page; fetched once, when the form is first opened
  details.addEventListener('toggle', async () => {
    if (!details.open || fields.dataset.loaded) return;
    fields.dataset.loaded = 'yes';
    const detail = await api.pipeline(p.id);
    for (const [name, defaultValue] of Object.entries(detail.detail.params || {})) {
      fields.append(el('label', {}, `${name} `,
        el('input', { name, placeholder: defaultValue ?? '', 'data-testid': `param-${p.id}-${name}` })));
    }
  });
  return details;
}
