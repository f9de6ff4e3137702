/** The account pages: sign-up, and the signed-in user's account with its change-password form. */

import { type FieldErrors, fieldMessage } from '../../shared/field-errors.js';
import type { AccountField } from '../domain/accounts.js';
import { MIN_PASSWORD_LENGTH, USERNAME_RULE } from '../domain/validation.js';
import { type PortalNav, renderPage } from './layout.js';

interface FieldProps {
  name: AccountField;
  label: string;
  type: 'text' | 'password';
  autocomplete: string;
  errors: FieldErrors;
  /** Kept values are shown again after an error; passwords never are. */
  value?: string;
  hint?: string;
  autofocus?: boolean;
}

/** A labelled input with its hint and, after a failed submit, its error right below it. */
function Field({ name, label, type, autocomplete, errors, value, hint, autofocus }: FieldProps) {
  const error = fieldMessage(errors, name);
  const hintId = `${name}-hint`;
  const errorId = `${name}-error`;
  const describedBy = [hint === undefined ? '' : hintId, error === undefined ? '' : errorId].join(' ').trim();
  return (
    <>
      <label for={name}>{label}</label>
      {hint === undefined ? null : (
        <p class="muted hint" id={hintId}>
          {hint}
        </p>
      )}
      <input
        id={name}
        name={name}
        type={type}
        autocomplete={autocomplete}
        required
        autofocus={autofocus}
        value={value}
        aria-invalid={error === undefined ? undefined : 'true'}
        aria-describedby={describedBy === '' ? undefined : describedBy}
      />
      {error === undefined ? null : (
        <p class="field-error" id={errorId} role="alert">
          {error}
        </p>
      )}
    </>
  );
}

const PASSWORD_HINT = `At least ${MIN_PASSWORD_LENGTH} characters; not a common password and not containing your username. A few unrelated words work well.`;

export interface SignUpPageProps {
  csrfToken: string;
  returnTo: string;
  username?: string;
  errors?: FieldErrors;
}

/** A new password and its confirmation, with the password rules as the hint. */
function NewPasswordFields({ errors, label }: { errors: FieldErrors; label: string }) {
  return (
    <>
      <Field
        name="password"
        label={label}
        type="password"
        autocomplete="new-password"
        errors={errors}
        hint={PASSWORD_HINT}
      />
      <Field
        name="confirm_password"
        label={`${label} again`}
        type="password"
        autocomplete="new-password"
        errors={errors}
      />
    </>
  );
}

export function signUpPage({ csrfToken, returnTo, username, errors = {} }: SignUpPageProps): string {
  const loginHref = `/login?${new URLSearchParams({ return_to: returnTo })}`;
  return renderPage(
    'Sign up',
    <>
      <h1>Create an account</h1>
      <form method="post" action="/signup">
        <input type="hidden" name="csrf_token" value={csrfToken} />
        <input type="hidden" name="return_to" value={returnTo} />
        <Field
          name="username"
          label="Username or email address"
          type="text"
          autocomplete="username"
          errors={errors}
          value={username ?? ''}
          hint={USERNAME_RULE}
          autofocus
        />
        <NewPasswordFields errors={errors} label="Password" />
        <div class="actions">
          <button class="primary" type="submit">
            Sign up
          </button>
        </div>
      </form>
      <p>
        Already have an account? <a href={loginHref}>Log in</a>
      </p>
    </>,
  );
}

export interface AccountPageProps {
  nav: PortalNav;
  errors?: FieldErrors;
  /** Set right after a successful change. */
  passwordChanged?: boolean;
}

export function accountPage({ nav, errors = {}, passwordChanged = false }: AccountPageProps): string {
  return renderPage(
    'Account',
    <>
      <h1>Account</h1>
      <p>
        Signed in as <strong>{nav.username}</strong>.
      </p>
      {passwordChanged ? (
        <p class="notice" role="status">
          Your password was changed. Every other session of this account was signed out.
        </p>
      ) : null}
      <h2>Change password</h2>
      <form method="post" action="/account/password">
        <input type="hidden" name="csrf_token" value={nav.csrfToken} />
        <Field
          name="current_password"
          label="Current password"
          type="password"
          autocomplete="current-password"
          errors={errors}
        />
        <NewPasswordFields errors={errors} label="New password" />
        <p class="muted">Changing your password signs out every other browser signed in as you.</p>
        <div class="actions">
          <button class="primary" type="submit">
            Change password
          </button>
        </div>
      </form>
    </>,
    nav,
  );
}
