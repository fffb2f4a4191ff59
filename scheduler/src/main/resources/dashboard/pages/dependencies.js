// The pipelines that wait for each other (trigger: {after: ...}) as one graph, upstream left, each pipeline coloured
// by its last run; the same edges as a table, for keyboards, screen readers and copying.
import { api } from '../api.js';
import { el, fill, every, keepingFocus, pipelineLink, stateBadge } from '../view.js';

const SVG = 'http://www.w3.org/2000/svg';
const NODE_W = 170;
const NODE_H = 34;
const COL = 230; // from one layer's left edge to the next's
const ROW = 52;
const PAD = 12;

export function dependenciesPage() {
  const node = el('section', { 'aria-labelledby': 'dependencies-title' });
  const body = el('div', {});
  let stop = null;

  async function refresh() {
    const list = await api.pipelines();
    keepingFocus(body, () => fill(body, content(list.pipelines)));
  }

  fill(node, el('h1', { id: 'dependencies-title' }, 'Pipeline dependencies'),
    el('p', { class: 'muted' }, 'Pipelines with trigger: {after: ...} start when their upstreams have run. ',
      'An edge is labelled with the state it waits for when that is not succeeded.'), body);
  return {
    node,
    async start() {
      await refresh();
      stop = every(5000, refresh);
    },
    stop() { if (stop) stop(); },
  };
}

function content(pipelines) {
  const graph = dependencyGraph(pipelines);
  if (!graph.edges.length) {
    return el('p', { 'data-testid': 'no-dependencies' }, 'No pipeline waits for another.');
  }
  return [drawing(graph), table(graph)];
}

/**
 * Nodes are the pipelines named in an edge (an upstream that is not loaded is kept, marked missing); each is put in
 * the layer after its deepest upstream (the load refuses cycles; a guard keeps a bad list from looping), and a layer
 * is ordered by the mean row of each node's upstreams, which keeps most edges from crossing.
 */
export function dependencyGraph(pipelines) {
  const byId = new Map(pipelines.map((p) => [p.id, p]));
  const edges = [];
  pipelines.forEach((p) => (p.trigger ? p.trigger.after : []).forEach((a) =>
    edges.push({ from: a.pipeline, to: p.id, state: a.state })));
  const ids = [...new Set(edges.flatMap((e) => [e.from, e.to]))].sort();
  const ups = new Map(ids.map((id) => [id, edges.filter((e) => e.to === id).map((e) => e.from)]));
  const layer = new Map();
  const depth = (id, seen) => {
    if (layer.has(id)) return layer.get(id);
    if (seen.has(id)) return 0;
    seen.add(id);
    const d = Math.max(-1, ...ups.get(id).map((u) => depth(u, seen))) + 1;
    layer.set(id, d);
    return d;
  };
  ids.forEach((id) => depth(id, new Set()));
  const layers = [];
  ids.forEach((id) => (layers[layer.get(id)] ||= []).push(id));
  const row = new Map();
  layers.forEach((ids, i) => {
    if (i > 0) {
      const mean = (id) => ups.get(id).reduce((sum, u) => sum + row.get(u), 0) / ups.get(id).length;
      ids.sort((a, b) => mean(a) - mean(b) || a.localeCompare(b));
    }
    ids.forEach((id, r) => row.set(id, r));
  });
  const nodes = ids.map((id) => ({ id, layer: layer.get(id), row: row.get(id), pipeline: byId.get(id) }));
  return { nodes, edges, layers: layers.length, rows: Math.max(...layers.map((l) => l.length)) };
}

function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG, tag);
  Object.entries(attrs).forEach(([k, v]) => node.setAttribute(k, String(v)));
  children.flat().filter((c) => c !== null && c !== undefined)
    .forEach((c) => node.append(c instanceof Node ? c : document.createTextNode(String(c))));
  return node;
}

function drawing(graph) {
  const at = new Map(graph.nodes.map((n) => [n.id, { x: PAD + n.layer * COL, y: PAD + n.row * ROW }]));
  const width = PAD * 2 + (graph.layers - 1) * COL + NODE_W;
  const height = PAD * 2 + (graph.rows - 1) * ROW + NODE_H;
  const edges = graph.edges.map((e) => {
    const a = at.get(e.from);
    const b = at.get(e.to);
    const [x1, y1, x2, y2] = [a.x + NODE_W, a.y + NODE_H / 2, b.x, b.y + NODE_H / 2];
    const bend = (x2 - x1) / 2;
    return svg('g', { class: `dep-edge dep-${e.state}`, 'data-testid': `edge-${e.from}-${e.to}` },
      svg('title', {}, `${e.to} runs after ${e.from} (${e.state})`),
      svg('path', { d: `M${x1},${y1} C${x1 + bend},${y1} ${x2 - bend},${y2} ${x2 - 6},${y2}`,
        'marker-end': 'url(#dep-arrow)' }),
      e.state === 'succeeded' ? null
        : svg('text', { x: (x1 + x2) / 2, y: (y1 + y2) / 2 - 4, 'text-anchor': 'middle' }, e.state));
  });
  const nodes = graph.nodes.map((n) => {
    const { x, y } = at.get(n.id);
    const state = n.pipeline && n.pipeline.last_run ? n.pipeline.last_run.state : null;
    const label = n.id.length > 22 ? `${n.id.slice(0, 21)}…` : n.id;
    const box = svg('g', { class: `dep-node ${state ? `state-${state.toLowerCase()}` : 'dep-never'}` },
      svg('rect', { x, y, width: NODE_W, height: NODE_H, rx: 5 }),
      svg('text', { x: x + NODE_W / 2, y: y + NODE_H / 2 + 5, 'text-anchor': 'middle' }, label));
    const name = `${n.id}: ${n.pipeline ? (state ? `last run ${state}` : 'never ran') : 'not loaded'}`;
    return n.pipeline
      ? svg('a', { href: `#/pipelines/${encodeURIComponent(n.id)}`, 'aria-label': name,
        'data-testid': `node-${n.id}` }, svg('title', {}, name), box)
      : svg('g', { class: 'dep-missing', 'data-testid': `node-${n.id}` }, svg('title', {}, name), box);
  });
  return el('div', { class: 'dep-graph' }, svg('svg', { width, height, viewBox: `0 0 ${width} ${height}`,
    role: 'group', 'aria-label': `Dependency graph of ${graph.nodes.length} pipelines`, 'data-testid': 'dep-graph' },
  svg('defs', {}, svg('marker', { id: 'dep-arrow', viewBox: '0 0 10 10', refX: 4, refY: 5, markerWidth: 7,
    markerHeight: 7, orient: 'auto-start-reverse' }, svg('path', { d: 'M0,0 L10,5 L0,10 z' }))),
  edges, nodes));
}

function table(graph) {
  const last = (n) => (n && n.pipeline && n.pipeline.last_run ? stateBadge(n.pipeline.last_run.state) : '—');
  const node = new Map(graph.nodes.map((n) => [n.id, n]));
  return el('table', { class: 'grid', 'data-testid': 'dependency-table' },
    el('caption', {}, 'Each pipeline that waits for another'),
    el('thead', {}, el('tr', {}, ['Upstream', 'Its last run', 'Waited for', 'Downstream', 'Its last run']
      .map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, graph.edges.map((e) => el('tr', { 'data-testid': `dependency-${e.from}-${e.to}` },
      el('td', {}, node.get(e.from).pipeline ? pipelineLink(e.from) : `${e.from} (not loaded)`),
      el('td', {}, last(node.get(e.from))), el('td', {}, e.state),
      el('td', {}, pipelineLink(e.to)), el('td', {}, last(node.get(e.to)))))));
}
