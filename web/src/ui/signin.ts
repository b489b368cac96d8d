import { Api, ApiError } from '../api';
import type { Session } from '../client';
import { h } from './dom';
import { IdPattern } from './format';

/**
 * Sign in with a user id: the node's development token endpoint issues a token for it. A node
 * without development tokens answers 404; then a token from the real issuer can be pasted.
 */
export function showSignIn(root: HTMLElement, done: (session: Session) => void): void {
  const userId = h('input', {
    id: 'user-id', name: 'user-id', 'data-testid': 'user-id', autocomplete: 'username', autocapitalize: 'off',
    spellcheck: 'false', placeholder: 'e.g. alice', required: true, maxlength: 128,
  });
  const token = h('textarea', { id: 'token', 'data-testid': 'token', rows: 3, placeholder: 'eyJhbGciOi…' });
  const tokenField = h('div', { class: 'field', hidden: true }, h('label', { for: 'token' }, 'Access token'), token);
  const error = h('p', { class: 'form-error', role: 'alert', 'data-testid': 'sign-in-error' });
  const button = h('button', { class: 'primary wide', type: 'submit', 'data-testid': 'sign-in' }, 'Continue');

  const form = h('form', { class: 'signin-card', novalidate: true },
    h('div', { class: 'brand-mark large' }, 'S'),
    h('h1', null, 'Welcome to Seqline'),
    h('p', { class: 'muted' }, 'Messages that arrive once, in order, on every device.'),
    h('div', { class: 'field' }, h('label', { for: 'user-id' }, 'User id'), userId),
    tokenField,
    error,
    button,
    h('p', { class: 'fine-print' }, 'On a development node, any user id signs in.'),
  );

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.textContent = '';
    const id = userId.value.trim();
    if (!IdPattern.test(id)) {
      error.textContent = 'A user id is 1–128 letters, digits or . _ : @ -';
      userId.focus();
      return;
    }
    if (!tokenField.hidden) {
      const subject = subjectOf(token.value.trim());
      if (subject === null) {
        error.textContent = 'That is not a token: paste the whole JWT.';
        return;
      }
      done({ userId: subject, token: token.value.trim(), dev: false });
      return;
    }
    button.disabled = true;
    button.textContent = 'Signing in…';
    try {
      done({ userId: id, token: await Api.devToken(id), dev: true });
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) {
        tokenField.hidden = false;
        error.textContent = 'This node does not hand out development tokens. Paste a token from your identity provider.';
      } else {
        error.textContent = e instanceof ApiError && e.status !== 0 ? e.message : 'Cannot reach the server. Try again.';
      }
    } finally {
      button.disabled = false;
      button.textContent = 'Continue';
    }
  });

  root.replaceChildren(h('main', { class: 'signin' }, form));
  userId.focus();
}

/** The `sub` claim of a JWT (the user id), read without checking: the server checks. */
function subjectOf(jwt: string): string | null {
  try {
    const payload = jwt.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const sub = JSON.parse(atob(payload)).sub;
    return typeof sub === 'string' && IdPattern.test(sub) ? sub : null;
  } catch {
    return null;
  }
}
