import { renderPage } from './layout.js';

export interface LoginPageProps {
  csrfToken: string;
  returnTo: string;
  username?: string;
  error?: string;
}

export function loginPage({ csrfToken, returnTo, username, error }: LoginPageProps): string {
  return renderPage(
    'Log in',
    <>
      <h1>Log in</h1>
      <form method="post" action="/login">
        <input type="hidden" name="csrf_token" value={csrfToken} />
        <input type="hidden" name="return_to" value={returnTo} />
        <label for="username">Username</label>
        <input
          id="username"
          name="username"
          type="text"
          autocomplete="username"
          required
          autofocus
          value={username ?? ''}
          aria-describedby={error === undefined ? undefined : 'login-error'}
        />
        <label for="password">Password</label>
        <input id="password" name="password" type="password" autocomplete="current-password" required />
        {error === undefined ? null : (
          <p class="error" id="login-error" role="alert">
            {error}
          </p>
        )}
        <div class="actions">
          <button class="primary" type="submit">
            Log in
          </button>
        </div>
      </form>
      <p>
        No account yet? <a href={`/signup?${new URLSearchParams({ return_to: returnTo })}`}>Sign up</a>
      </p>
    </>,
  );
}
