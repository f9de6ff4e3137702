/** Input rules shared by the CLI and the portal; each returns an error message or undefined. */

import { isCommonPassword } from './common-passwords.js';

export const USERNAME_RULE = '3-64 characters: letters, digits, and . _ - @';

export function checkUsername(username: string): string | undefined {
  return /^[A-Za-z0-9._@-]{3,64}$/.test(username) ? undefined : `The username must be ${USERNAME_RULE}`;
}

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 1024;

export function checkPassword(password: string): string | undefined {
  if (password.length < MIN_PASSWORD_LENGTH) return `The password must have at least ${MIN_PASSWORD_LENGTH} characters`;
  if (password.length > MAX_PASSWORD_LENGTH) return `The password must have at most ${MAX_PASSWORD_LENGTH} characters`;
  return undefined;
}

/**
 * The rules for a password a person chooses in the portal (sign-up, password change): the length rules,
 * plus not one of the most common passwords and not built from the username — both are the first guesses
 * of anyone trying accounts. (The CLI, used by operators, keeps the plain length rules.)
 */
export function checkNewPassword(password: string, username: string): string | undefined {
  const lengthProblem = checkPassword(password);
  if (lengthProblem !== undefined) return lengthProblem;
  if (isCommonPassword(password)) return 'This password is one of the most common passwords; choose another';
  if (username !== '' && password.toLowerCase().includes(username.toLowerCase())) {
    return 'The password must not contain the username';
  }
  return undefined;
}

/** Limits of an application's name and description (the form's maxlength, the domain's check). */
export const MAX_APP_NAME_LENGTH = 100;
export const MAX_APP_DESCRIPTION_LENGTH = 500;
