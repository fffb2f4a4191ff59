// Hash routes, so the daemon serves one page and the API stays the only server-side surface.
import { el, fill, errorBox, ZONE_MODES, zoneMode, setZoneMode } from './view.js';
import { homePage } from './pages/home.js';
import { pipelinesPage } from './pages/pipelines.js';
import { pipelinePage } from './pages/pipeline.js';
import { runsPage } from './pages/runs.js';
import { runPage } from './pages/run.js';
import { alertsPage } from './pages/alerts.js';
import { versionPage } from './pages/version.js';
import { dependenciesPage } from './pages/dependencies.js';
import { signInPage } from './pages/signin.js';
import { api } from './api.js';

const routes = [
  [/^#\/pipelines\/([^/?]+)$/, (m) => pipelinePage(decodeURIComponent(m[1]))],
  [/^#\/pipelines\/([^/?]+)\/versions\/([^/?]+)$/,
    (m) => versionPage(decodeURIComponent(m[1]), decodeURIComponent(m[2]))],
  [/^#\/runs\/([^/?]+)(?:\?(.*))?$/, (m) => runPage(decodeURIComponent(m[1]), new URLSearchParams(m[2] || ''))],
  [/^#\/runs(?:\?(.*))?$/, (m) => runsPage(new URLSearchParams(m[1] || ''))],
  [/^#\/alerts(?:\?(.*))?$/, (m) => alertsPage(new URLSearchParams(m[1] || ''))],
  [/^#\/pipelines(?:\?(.*))?$/, (m) => pipelinesPage(new URLSearchParams(m[1] || ''))],
  [/^#\/dependencies$/, () => dependenciesPage()],
  [/^$|^#\/?$/, () => homePage()],
];

let current = null; // the page on screen: stopped (its refresh timers) when the route changes

/** @param moved true when the viewer went to another page: keyboard focus then starts at its content */
async function render(moved) {
  if (current && current.stop) current.stop();
  current = null;
  const main = document.getElementById('main');
  if (location.pathname === '/login') {
    // the sign-in page: GET /login serves this same shell; nothing else is shown until signed in
    document.querySelector('header nav').hidden = true;
    fill(main, signInPage().node);
    return;
  }
  const hash = location.hash;
  const route = routes.find(([pattern]) => pattern.test(hash));
  const section = hash.startsWith('#/dependencies') ? 'pipelines'
    : ['pipelines', 'runs', 'alerts'].find((s) => hash.startsWith(`#/${s}`)) || 'home';
  document.querySelectorAll('[data-nav]').forEach((a) =>
    a.toggleAttribute('aria-current', a.dataset.nav === section));
  if (!route) {
    fill(main, errorBox(`No page at ${hash}`), el('a', { href: '#/pipelines' }, 'Pipelines'));
    return;
  }
  const page = route[1](hash.match(route[0]));
  current = page;
  fill(main, page.node);
  if (moved === true) main.focus({ preventScroll: true });
  try {
    await page.start();
  } catch (e) {
    page.node.prepend(errorBox(e.message));
  }
}

window.addEventListener('hashchange', () => render(true));

// The zone times are shown in, page-wide (kept in local storage); changing it redraws the page.
if (location.pathname !== '/login') {
  const select = el('select', {
    id: 'zone', 'data-testid': 'zone',
    onchange: (event) => {
      setZoneMode(event.target.value);
      render(false);
    },
  }, Object.entries(ZONE_MODES).map(([value, label]) =>
    el('option', { value, selected: value === zoneMode() }, label)));
  document.querySelector('header').append(el('label', { class: 'zone', for: 'zone' }, 'Times in '), select);
}
render(false);

// who is signed in, and a way out; a 401 here has sent the viewer to the sign-in page already
if (location.pathname !== '/login') {
  api.whoami().then((me) => {
    const signOut = el('button', {
      type: 'button', class: 'link', 'data-testid': 'sign-out',
      onclick: async () => {
        await api.logout().catch(() => {});
        location.assign('/login');
      },
    }, 'Sign out');
    document.querySelector('header').append(
      el('span', { class: 'who', 'data-testid': 'who' }, `${me.name} (${me.role})`), signOut);
  }).catch(() => {});
}
