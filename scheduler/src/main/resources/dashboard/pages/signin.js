// The sign-in page (GET /login): an API token, or a username and password. The daemon answers with an HttpOnly
// session cookie; the page then goes back to where the viewer was sent from (a local path only).
import { api } from '../api.js';
import { el, fill, errorBox } from '../view.js';

/** ?next= when it is a path on this server (one leading slash, no backslash), else the pipelines page. */
function next() {
  const target = new URLSearchParams(location.search).get('next') || '/';
  return /^\/(?![\/\\])[^\\]*$/.test(target) ? target : '/';
}

export function signInPage() {
  const message = el('div', { 'aria-live': 'polite' });
  if (new URLSearchParams(location.search).has('failed')) {
    message.append(errorBox('That sign-in link is not valid (any more): ask for a new token.'));
  }
  const submit = (fields) => async (event) => {
    event.preventDefault();
    const form = event.target;
    const body = {};
    fields.forEach((name) => { body[name] = form.elements[name].value; });
    try {
      await api.login(body);
      location.replace(next());
    } catch (e) {
      fill(message, errorBox(e.status === 401 ? 'Wrong token, or wrong username or password.' : e.message));
    }
  };
  const node = el('section', { class: 'signin', 'aria-labelledby': 'signin-title' },
    el('h1', { id: 'signin-title' }, 'Sign in'),
    message,
    el('form', { 'data-testid': 'token-form', onsubmit: submit(['token']) },
      el('label', {}, 'API token ', el('input', { name: 'token', type: 'password', autocomplete: 'off', required: true })),
      el('button', { type: 'submit' }, 'Sign in with the token')),
    el('p', { class: 'muted' }, 'or'),
    el('form', { 'data-testid': 'password-form', onsubmit: submit(['username', 'password']) },
      el('label', {}, 'Username ', el('input', { name: 'username', autocomplete: 'username', required: true })),
      el('label', {}, 'Password ', el('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true })),
      el('button', { type: 'submit' }, 'Sign in')),
    el('p', { class: 'muted' }, 'The first start of the daemon printed an admin token and a sign-in link; '
      + 'an admin makes more tokens and users (docs/auth.md).'));
  return { node, start() {} };
}
