// A schedule in words for the common shapes of 5-field cron; anything else is shown as written.
const MACROS = {
  '@hourly': 'every hour', '@daily': 'every day at midnight', '@midnight': 'every day at midnight',
  '@weekly': 'every Sunday at midnight', '@monthly': 'on the 1st of every month at midnight',
  '@yearly': 'every 1 January at midnight', '@annually': 'every 1 January at midnight',
};
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const pad = (n) => String(n).padStart(2, '0');
const isNumber = (s) => /^\d+$/.test(s);

export function describeCron(expression) {
  const text = String(expression).trim();
  if (MACROS[text.toLowerCase()]) return MACROS[text.toLowerCase()];
  const fields = text.split(/\s+/);
  if (fields.length !== 5) return text;
  const [minute, hour, dom, month, dow] = fields;
  const step = /^\*\/(\d+)$/;
  if (month !== '*') return text;
  if (step.test(minute) && hour === '*' && dom === '*' && dow === '*') {
    return `every ${minute.match(step)[1]} minutes`;
  }
  if (isNumber(minute) && hour === '*' && dom === '*' && dow === '*') {
    return `every hour at minute ${Number(minute)}`;
  }
  if (!isNumber(minute) || !isNumber(hour)) return text;
  const at = `at ${pad(hour)}:${pad(minute)}`;
  if (dom === '*' && dow === '*') return `every day ${at}`;
  if (dom === '*' && dow === '1-5') return `every weekday ${at}`;
  if (dom === '*' && isNumber(dow)) return `every ${DAYS[Number(dow)]} ${at}`;
  if (isNumber(dom) && dow === '*') return `on day ${Number(dom)} of every month ${at}`;
  return text;
}
