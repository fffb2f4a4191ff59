// The only way the dashboard talks to the daemon: the public JSON API under /api/v1.
const BASE = '/api/v1';

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

// Every POST carries a JSON body ({} when there is nothing to say): the daemon refuses other POSTs, which is
// what keeps other sites' pages from sending them (docs/web-security.md).
async function call(method, path, body) {
  const init = { method, headers: { Accept: 'application/json' } };
  if (method !== 'GET' && body === undefined) body = {};
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await fetch(BASE + path, init);
  const text = await response.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { json = null; }
  if (!response.ok) {
    throw new ApiError(response.status, (json && json.message) || `${response.status} ${response.statusText}`);
  }
  return json === null ? text : json;
}

export const api = {
  pipelines: () => call('GET', '/pipelines'),
  pipeline: (id) => call('GET', `/pipelines/${encodeURIComponent(id)}`),
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
  // The log's bytes from offset on, and where the next read starts: a running attempt's log is followed by
  // fetching only what was appended.
  log: async (runId, taskId, attempt, offset) => {
    const response = await fetch(`${BASE}/runs/${encodeURIComponent(runId)}/tasks/${encodeURIComponent(taskId)}/log?attempt=${attempt}&offset=${offset}`);
    if (!response.ok) return { error: `(no log: ${response.status})` };
    const bytes = new Uint8Array(await response.arrayBuffer());
    const size = Number(response.headers.get('X-Kindling-Log-Size') ?? offset + bytes.length);
    return { bytes, size };
  },
};
