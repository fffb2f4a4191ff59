// One stored version of a pipeline: the YAML a run that names it ran, whether or not it is the one loaded now.
import { api } from '../api.js';
import { el, fill, time, pipelineLink } from '../view.js';

export function versionPage(id, hash) {
  const node = el('section', { 'aria-labelledby': 'version-title' });
  return {
    node,
    async start() {
      const v = await api.version(id, hash);
      fill(node,
        el('h1', { id: 'version-title' }, pipelineLink(id), ' version ', el('code', {}, v.content_hash)),
        el('dl', { class: 'summary' },
          el('dt', {}, 'Loaded'), el('dd', {}, time(v.loaded_at)),
          el('dt', {}, 'File'), el('dd', {}, el('code', {}, v.file)),
          el('dt', {}, 'Git commit'), el('dd', {}, v.git_commit ? el('code', {}, v.git_commit) : '—'),
          el('dt', {}, 'In force'), el('dd', { 'data-testid': 'current' },
            v.current ? 'yes: this is the version loaded now' : 'no: a newer version is loaded now')),
        el('h2', {}, 'Definition'),
        el('pre', { class: 'yaml', 'data-testid': 'version-yaml', tabindex: 0 }, v.source));
    },
  };
}

/** A link to a version's own page, showing its content hash. */
export function versionLink(id, hash, testid) {
  return el('a', { href: `#/pipelines/${encodeURIComponent(id)}/versions/${encodeURIComponent(hash)}`,
    'data-testid': testid }, el('code', {}, hash));
}
