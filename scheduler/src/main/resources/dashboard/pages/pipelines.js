// Every pipeline: schedule, next fire, paused toggle, recent runs as squares (oldest left), tags and owner, load
// errors, Run now. Found by name, tag or owner: the filter applies as one types, and is kept in the page's address
// (#/pipelines?q=&tag=&owner=) so a filtered list can be shared.
import { api } from '../api.js';
import { el, fill, time, formatTime, utcText, errorBox, pipelineLink, runLink, keepingFocus, every } from '../view.js';
import { describeCron } from '../cron.js';

/** @param query the hash's query: q (text in the id or description), tag, owner */
export function pipelinesPage(query = new URLSearchParams()) {
  const node = el('section', { 'aria-labelledby': 'pipelines-title' });
  const flash = el('div', { 'aria-live': 'polite', 'data-testid': 'flash' });
  const results = el('div', {});
  const count = el('p', { class: 'muted', 'aria-live': 'polite', 'data-testid': 'filter-count' });
  const filter = filterForm(query, () => draw());
  let list = null;
  let stop = null;

  /** A run was started: say so above the table, which refreshes (the form closes) to show it. */
  function started(run) {
    fill(flash, 'Started run ', runLink(run.run_id), ` of ${run.pipeline}.`);
    return refresh();
  }

  function draw() {
    filter.offer(list.pipelines);
    const shown = list.pipelines.filter(filter.matches);
    fill(count, shown.length === list.pipelines.length ? `${shown.length} pipelines`
      : `Showing ${shown.length} of ${list.pipelines.length} pipelines`);
    keepingFocus(results, () => fill(results,
      loadErrors(list.load_errors || []),
      table(shown, list.pipelines.length, refresh, started)));
  }

  async function refresh() {
    // one request: the list carries each pipeline's newest runs (recent_runs), newest first
    list = await api.pipelines();
    draw();
  }

  fill(node, el('h1', { id: 'pipelines-title' }, 'Pipelines'),
    el('p', {}, el('a', { href: '#/dependencies', 'data-testid': 'dependencies-link' }, 'Dependency graph'),
      ' of the pipelines that wait for others'), flash, filter.node, count, results);
  return {
    node,
    async start() {
      await refresh();
      // not while someone fills in a Run now form, which a redraw would reset
      stop = every(2000, () => (node.querySelector('details.run-now[open]') ? null : refresh()));
    },
    stop() { if (stop) stop(); },
  };
}

/**
 * The filter: text (in the id or description), tag and owner, each narrowing the list as it changes. Its choices
 * of tags and owners are those of the pipelines loaded.
 */
function filterForm(query, changed) {
  const wanted = { q: query.get('q') || '', tag: query.get('tag') || '', owner: query.get('owner') || '' };
  const text = el('input', { type: 'search', id: 'filter-q', name: 'q', value: wanted.q, 'data-testid': 'filter-q',
    placeholder: 'name or description', autocomplete: 'off' });
  const tag = el('select', { id: 'filter-tag', name: 'tag', 'data-testid': 'filter-tag' });
  const owner = el('select', { id: 'filter-owner', name: 'owner', 'data-testid': 'filter-owner' });
  let offered = '';
  const update = () => {
    wanted.q = text.value;
    wanted.tag = tag.value;
    wanted.owner = owner.value;
    const params = new URLSearchParams(Object.entries(wanted).filter(([, v]) => v));
    // the address says what is shown, without a new history entry per key typed nor a redraw of the page
    history.replaceState(null, '', '#/pipelines' + (params.size ? '?' + params : ''));
    changed();
  };
  text.addEventListener('input', update);
  tag.addEventListener('change', update);
  owner.addEventListener('change', update);
  const options = (select, values, all, current) => fill(select,
    el('option', { value: '' }, all),
    [...new Set([...values, current].filter(Boolean))].sort().map((v) => el('option', { value: v, selected: v === current }, v)));
  return {
    node: el('form', { class: 'filters', role: 'search', 'aria-label': 'Find pipelines',
      onsubmit: (event) => event.preventDefault() },
    el('label', { for: 'filter-q' }, 'Find'), text,
    el('label', { for: 'filter-tag' }, 'Tag'), tag,
    el('label', { for: 'filter-owner' }, 'Owner'), owner),
    /** The choices, from the pipelines loaded; redrawn only when they change, so an open select stays open. */
    offer(pipelines) {
      const tags = [...new Set(pipelines.flatMap((p) => p.tags || []))];
      const owners = [...new Set(pipelines.map((p) => p.owner).filter(Boolean))];
      const key = JSON.stringify([tags.sort(), owners.sort()]);
      if (key === offered) return;
      offered = key;
      options(tag, tags, 'any tag', wanted.tag);
      options(owner, owners, 'any owner', wanted.owner);
    },
    matches(p) {
      const q = wanted.q.trim().toLowerCase();
      return (!q || p.id.toLowerCase().includes(q) || (p.description || '').toLowerCase().includes(q))
        && (!wanted.tag || (p.tags || []).includes(wanted.tag))
        && (!wanted.owner || (p.owner || '').toLowerCase() === wanted.owner.toLowerCase());
    },
  };
}

export function loadErrors(errors) {
  if (errors.length === 0) return null;
  return el('div', { class: 'load-errors', role: 'alert', 'data-testid': 'load-errors' },
    el('h2', {}, `${errors.length} pipeline file${errors.length > 1 ? 's' : ''} failed to load`),
    el('ul', {}, errors.map((e) => el('li', {}, el('code', {}, e.file),
      el('ul', {}, e.problems.map((p) => el('li', {}, el('code', {}, p))))))));
}

function table(pipelines, loaded, refresh, started) {
  if (loaded === 0) return el('p', {}, 'No pipelines are loaded.');
  if (pipelines.length === 0) return el('p', { 'data-testid': 'no-match' }, 'No pipeline matches the filter.');
  return el('table', { class: 'grid', 'data-testid': 'pipelines' },
    el('thead', {}, el('tr', {},
      ['Pipeline', 'Tags and owner', 'Schedule', 'Next fire', 'Recent runs', 'Paused', '']
        .map((h) => el('th', { scope: 'col' }, h)))),
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
    el('td', {}, labels(p)),
    el('td', {}, schedule),
    el('td', {}, p.paused ? el('span', { class: 'muted' }, 'paused') : time(p.next_fire_time, zone)),
    el('td', {}, squares),
    el('td', {}, el('label', {}, toggle, ' paused')),
    el('td', {}, runNowForm(p, started)));
}

/** Tags and owner, each a link to the list filtered by it. */
export function labels(p) {
  const tags = p.tags || [];
  if (tags.length === 0 && !p.owner) return el('span', { class: 'muted' }, '—');
  return el('div', { class: 'labels', 'data-testid': `labels-${p.id}` },
    tags.map((t) => el('a', { class: 'tag', href: `#/pipelines?tag=${encodeURIComponent(t)}`,
      'aria-label': `tag ${t}` }, t)),
    p.owner ? el('a', { class: 'owner', href: `#/pipelines?owner=${encodeURIComponent(p.owner)}`,
      'aria-label': `owner ${p.owner}` }, p.owner) : null);
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
