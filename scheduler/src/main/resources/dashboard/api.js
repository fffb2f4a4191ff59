// The only way the dashboard talks to the daemon: the JSON API under /api/v1, signed in by the session cookie
// (HttpOnly: scripts never see it). A 401 sends the viewer to the sign-in page, and back here afterwards.
const BASE = '/api/v1';

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/** Where the sign-in page sends the viewer back to: this page, as a local path and hash. */
export function signInUrl() {
  return '/login?next=' + encodeURIComponent(location.pathname + location.search + location.hash);
}

function signInAgain(response) {
  if (response.status === 401 && location.pathname !== '/login') location.assign(signInUrl());
}

// Every POST carries a JSON body ({} when there is nothing to say): the daemon refuses other POSTs, which is
// what keeps other sites' pages from sending them (docs/web-security.md).
async function call(method, path, body) {
  const init = { method, headers: { Accept: 'application/json' } };
  if (body !== undefined || method !== 'GET') {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body === undefined ? {} : body);
  }
  const response = await fetch(BASE + path, init);
  signInAgain(response);
  const text = await response.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { json = null; }
  if (!response.ok) {
    throw new ApiError(response.status, (json && json.message) || `${response.status} ${response.statusText}`);
  }
  return json === null ? text : json;
}

export const api = {
  login: (credentials) => call('POST', '/login', credentials),
  logout: () => call('POST', '/logout'),
  whoami: () => call('GET', '/whoami'),
  /** @param query optional filters: q (id or description), owner, tag (a list: every one) */
  pipelines: (query = {}) => {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(query)) [value].flat().filter(Boolean).forEach((v) => params.append(name, v));
    return call('GET', '/pipelines' + (params.size ? '?' + params : ''));
  },
  executors: () => call('GET', '/executors'),
  lateRuns: () => call('GET', '/late-runs'),
  pipeline: (id) => call('GET', `/pipelines/${encodeURIComponent(id)}`),
  grid: (id, limit) => call('GET', `/pipelines/${encodeURIComponent(id)}/grid?limit=${limit}`),
  baseline: (id) => call('GET', `/pipelines/${encodeURIComponent(id)}/baseline`),
  muteState: (id) => call('GET', `/pipelines/${encodeURIComponent(id)}/mute`),
  mute: (id, body) => call('POST', `/pipelines/${encodeURIComponent(id)}/mute`, body),
  unmute: (id) => call('POST', `/pipelines/${encodeURIComponent(id)}/unmute`),
  version: (id, hash) => call('GET', `/pipelines/${encodeURIComponent(id)}/versions/${encodeURIComponent(hash)}`),
  pause: (id) => call('POST', `/pipelines/${encodeURIComponent(id)}/pause`),
  resume: (id) => call('POST', `/pipelines/${encodeURIComponent(id)}/resume`),
  trigger: (id, params) => call('POST', `/pipelines/${encodeURIComponent(id)}/runs`, { params }),
  runs: (query) => call('GET', '/runs?' + new URLSearchParams(query).toString()),
  run: (runId) => call('GET', `/runs/${encodeURIComponent(runId)}`),
  cancel: (runId) => call('POST', `/runs/${encodeURIComponent(runId)}/cancel`),
  repair: (runId) => call('POST', `/runs/${encodeURIComponent(runId)}/repair`, {}),
  deliveries: (query) => call('GET', '/webhooks/deliveries?' + new URLSearchParams(query).toString()),
  retryDelivery: (id) => call('POST', `/webhooks/deliveries/${encodeURIComponent(id)}/retry`),
  webhooks: () => call('GET', '/webhooks'),
  testWebhook: (name) => call('POST', `/webhooks/${encodeURIComponent(name)}/test`),
  // A notebook task's executed copy (nbformat 4 JSON), as far as the attempt ran.
  notebook: (runId, taskId, attempt) => call('GET',
    `/runs/${encodeURIComponent(runId)}/tasks/${encodeURIComponent(taskId)}/notebook?attempt=${attempt}`),
  // The log's bytes from offset on, and where the next read starts: a running attempt's log is followed by
  // fetching only what was appended.
  log: async (runId, taskId, attempt, offset) => {
    const response = await fetch(`${BASE}/runs/${encodeURIComponent(runId)}/tasks/${encodeURIComponent(taskId)}/log?attempt=${attempt}&offset=${offset}`);
    signInAgain(response);
    if (!response.ok) return { error: `(no log: ${response.status})` };
    const bytes = new Uint8Array(await response.arrayBuffer());
    const size = Number(response.headers.get('X-Kindling-Log-Size') ?? offset + bytes.length);
    return { bytes, size };
  },
};
