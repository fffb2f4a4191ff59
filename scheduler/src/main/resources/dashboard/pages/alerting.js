// The pipeline page's alerting parts: the learned duration baseline under the duration chart, and the alert mute
// (state, mute for a while with a reason, unmute) that the API and `bin/kindling mute` also set.
import { api } from '../api.js';
import { el, fill, time, duration, errorBox } from '../view.js';

/** "p95 12.3 s of the last 50 successful runs; run_slow past 36.9 s (3 x p95, from 10 runs)", or why not. */
export function baselineCaption(baseline) {
  const text = !baseline || baseline.p95_ms === undefined || baseline.p95_ms === null
    ? 'No learned baseline yet: no successful runs.'
    : `Baseline: p95 ${duration(baseline.p95_ms)} of the last ${baseline.runs} successful runs`
      + (baseline.threshold_ms === undefined || baseline.threshold_ms === null
        ? ' (no duration_anomaly: nothing alerts on it).'
        : `; a run still going after ${duration(baseline.threshold_ms)} (${baseline.k} x p95) alerts run_slow`
          + (baseline.runs < baseline.min_runs ? `, once ${baseline.min_runs} successful runs are there.` : '.'));
  return el('p', { 'data-testid': 'baseline' }, text);
}

/** The mute row's content: the current state, and a form to mute for a while or a button to unmute. */
export function muteControl(id, state, redraw) {
  const node = el('div', { class: 'mute', 'data-testid': 'mute' });
  const message = el('div', { 'aria-live': 'polite' });
  const act = (call) => async (event) => {
    event.preventDefault();
    try {
      await redraw(await call());
    } catch (e) {
      fill(message, errorBox(e.message));
    }
  };
  if (state && state.muted) {
    return fill(node,
      el('span', { 'data-testid': 'mute-state' }, 'Muted until ', time(state.muted_until), ` by ${state.muted_by}`,
        state.reason ? ` (${state.reason})` : ''), ' ',
      el('button', { type: 'button', 'data-testid': 'unmute', onclick: act(() => api.unmute(id)) }, 'Unmute'),
      message);
  }
  const length = el('select', { name: 'for', 'aria-label': 'Mute for', 'data-testid': 'mute-for' },
    ['1h', '2h', '8h', '24h', '72h'].map((d) => el('option', { value: d }, d)));
  const reason = el('input', { name: 'reason', placeholder: 'reason (for the audit log)', 'aria-label': 'Reason',
    'data-testid': 'mute-reason', maxlength: 500 });
  return fill(node,
    el('span', { 'data-testid': 'mute-state' }, 'Alerts on'), ' ',
    el('form', { class: 'inline', onsubmit: act(() => api.mute(id,
      reason.value ? { for: length.value, reason: reason.value } : { for: length.value })) },
    'Mute for ', length, ' ', reason, ' ', el('button', { type: 'submit', 'data-testid': 'mute-button' }, 'Mute')),
    message);
}
