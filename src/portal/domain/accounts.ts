import { UniqueViolationError } from '../../oauth/ports.js';
import type { FieldErrors } from '../../shared/field-errors.js';
import type { PortalContext } from './context.js';
import { lockedMessage, loginFailed, loginSucceeded, startLoginAttempt } from './login-throttle.js';
import type { UserRecord } from './ports.js';
import { createUser } from './users.js';
import { checkNewPassword, checkUsername, MAX_PASSWORD_LENGTH } from './validation.js';

/**
 * Self-service accounts: sign-up and password change. Each returns the problems per form field, so the
 * page can show every message next to its field; nothing is written unless every field is valid.
 */
export type AccountField = 'username' | 'password' | 'confirm_password' | 'current_password';

export type AccountResult<T> =
  | { ok: true; value: T }
  /** `locked`: refused by the login throttle, nothing was checked. */
  | { ok: false; errors: FieldErrors; locked?: true };

export interface SignUpInput {
  username: string;
  password: string;
  confirmation: string;
}

export async function signUp(ctx: PortalContext, input: SignUpInput): Promise<AccountResult<UserRecord>> {
  const errors: FieldErrors = {
    ...fieldError('username', input.username === '' ? 'Enter a username' : checkUsername(input.username)),
    ...newPasswordErrors(input.password, input.confirmation, input.username),
  };
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  try {
    return { ok: true, value: await createUser(ctx, { username: input.username, password: input.password }) };
  } catch (error) {
    // Checked by the insert itself, so two sign-ups racing for one name cannot both succeed.
    if (error instanceof UniqueViolationError) return { ok: false, errors: { username: ['This username is taken'] } };
    throw error;
  }
}

export interface PasswordChangeInput {
  current: string;
  password: string;
  confirmation: string;
  /** The client's address, for the login throttle. */
  address: string;
}

/**
 * Replaces the user's password after checking the current one, and ends every session of the user: a
 * password change is what someone does when they suspect another person is signed in as them. The caller
 * signs this browser in again.
 *
 * The current-password check is a login in disguise (someone holding a stolen session could guess with
 * it), so it goes through the same throttle: a wrong current password counts as a failed login, and a
 * locked account or address is refused without checking.
 */
export async function changePassword(
  ctx: PortalContext,
  user: UserRecord,
  input: PasswordChangeInput,
): Promise<AccountResult<undefined>> {
  const errors = newPasswordErrors(input.password, input.confirmation, user.username);
  if (input.current === '') errors.current_password = ['Enter your current password'];
  else {
    // Verified even when the new password is invalid, so the page reports every problem at once.
    const gate = await startLoginAttempt(ctx, { username: user.username, address: input.address });
    if (gate.locked)
      return { ok: false, errors: { current_password: [lockedMessage(gate.retryAfterMs)] }, locked: true };
    if (await currentPasswordMatches(ctx, user, input.current)) await loginSucceeded(ctx, gate.ticket);
    else {
      await loginFailed(ctx, gate.ticket);
      errors.current_password = ['Wrong password'];
    }
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const passwordHash = await ctx.passwords.hash(input.password);
  // One transaction: a new password must never be saved while an old (maybe stolen) session survives.
  await ctx.storage.transaction(async (tx) => {
    await tx.users.updatePassword(user.id, passwordHash);
    await tx.sessions.deleteByUser(user.id);
  });
  return { ok: true, value: undefined };
}

async function currentPasswordMatches(ctx: PortalContext, user: UserRecord, password: string): Promise<boolean> {
  // Longer than any password can be: no need to spend argon2 on it.
  return password.length <= MAX_PASSWORD_LENGTH && ctx.passwords.verify(user.passwordHash, password);
}

function newPasswordErrors(password: string, confirmation: string, username: string): FieldErrors {
  if (password === '') return { password: ['Enter a password'] };
  const problem = checkNewPassword(password, username);
  if (problem !== undefined) return { password: [problem] };
  return confirmation === password ? {} : { confirm_password: ['The passwords do not match'] };
}

const fieldError = (field: AccountField, message: string | undefined): FieldErrors =>
  message === undefined ? {} : { [field]: [message] };
