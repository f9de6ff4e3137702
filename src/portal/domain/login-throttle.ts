import type { PortalContext } from './context.js';
import type { LoginAttemptKind } from './ports.js';

/**
 * Login rate limiting, counted in storage so that every instance shares the counts and the locks.
 *
 * The rules:
 * - Per account (the username as typed, case-folded): 5 consecutive failures lock it for 15 minutes. A
 *   success clears the count; so does a quiet day (a run of failures older than 24 hours is forgotten).
 *   Unknown usernames are counted and locked exactly like real ones, so a lock reveals nothing about
 *   whether an account exists.
 * - Per client address: 20 failures within 15 minutes (whatever the usernames) lock the address for
 *   15 minutes. This stops one client from trying a common password against many accounts. A success
 *   does not clear it (one good account must not launder the failures of a spray).
 * - From the 3rd failure on, the failed response is delayed by `loginDelayBaseMs` × (failures − 2), at
 *   most 2 s, counting whichever of the two runs is longer: scripted guessing slows down long before the
 *   lock, while a person who mistypes once or twice never waits.
 * - While either is locked, a login is refused without even checking the password (so a lock cannot be
 *   used to test guesses, and costs no argon2 work).
 * - Each attempt is counted before its password is checked and taken back if it was right, so parallel
 *   requests cannot get more guesses than the limit.
 *
 * The address is the TCP peer (the server does not trust X-Forwarded-For): behind a reverse proxy every
 * client shares the proxy's address, and the address rule then limits the proxy as a whole.
 */
export interface ThrottleRule {
  maxFailures: number;
  /** Failures older than this (counted from the first of a run) are forgotten. */
  windowMs: number;
  lockMs: number;
}

const MINUTE = 60_000;

export const LOGIN_RULES: Readonly<Record<LoginAttemptKind, ThrottleRule>> = {
  account: { maxFailures: 5, windowMs: 24 * 60 * MINUTE, lockMs: 15 * MINUTE },
  address: { maxFailures: 20, windowMs: 15 * MINUTE, lockMs: 15 * MINUTE },
};

/** Failures before the delay starts, and its ceiling. */
const FREE_FAILURES = 2;
const MAX_DELAY_MS = 2000;

export interface LoginAttempt {
  username: string;
  /** The client's IP address. */
  address: string;
}

/** An attempt that may go on to the password check: counted already, under these runs. */
export interface AttemptTicket {
  attempt: LoginAttempt;
  now: number;
  runs: { kind: LoginAttemptKind; key: string; failures: number }[];
}

export type LoginGate = { locked: false; ticket: AttemptTicket } | { locked: true; retryAfterMs: number };

/** The keys a login attempt is counted under; an empty username (a form sent blank) has no account. */
function keysOf(attempt: LoginAttempt): [LoginAttemptKind, string][] {
  const keys: [LoginAttemptKind, string][] = [['address', attempt.address]];
  if (attempt.username !== '') keys.push(['account', attempt.username.toLowerCase()]);
  return keys;
}

/**
 * Admits an attempt to the password check, or says for how long it is locked. The attempt is counted as a
 * failure *before* the check (and forgiven by `loginSucceeded`): counted afterwards, a burst of parallel
 * requests would all pass the gate while the first ones were still being checked.
 */
export async function startLoginAttempt(ctx: PortalContext, attempt: LoginAttempt): Promise<LoginGate> {
  const now = ctx.clock.now();
  const keys = keysOf(attempt);
  const records = await Promise.all(keys.map(([kind, key]) => ctx.storage.loginAttempts.find(kind, key)));
  const lockedUntil = Math.max(0, ...records.map((record) => record?.lockedUntil ?? 0));
  if (lockedUntil > now) return { locked: true, retryAfterMs: lockedUntil - now };

  const runs: AttemptTicket['runs'] = [];
  for (const [kind, key] of keys) {
    const rule = LOGIN_RULES[kind];
    const recorded = await ctx.storage.loginAttempts.recordFailure(kind, key, now, now - rule.windowMs);
    // A parallel attempt may have locked the key between the check above and this count.
    if (recorded.lockedUntil !== null && recorded.lockedUntil > now) {
      return { locked: true, retryAfterMs: recorded.lockedUntil - now };
    }
    const { failures } = recorded;
    // Beyond the limit: parallel attempts used up the run before any of them was answered.
    if (failures > rule.maxFailures) {
      await ctx.storage.loginAttempts.lock(kind, key, now + rule.lockMs);
      return { locked: true, retryAfterMs: rule.lockMs };
    }
    runs.push({ kind, key, failures });
  }
  return { locked: false, ticket: { attempt, now, runs } };
}

/** The password was wrong: locks what reached its limit; returns how long to hold the failed response. */
export async function loginFailed(ctx: PortalContext, ticket: AttemptTicket): Promise<{ delayMs: number }> {
  for (const { kind, key, failures } of ticket.runs) {
    const rule = LOGIN_RULES[kind];
    if (failures >= rule.maxFailures) await ctx.storage.loginAttempts.lock(kind, key, ticket.now + rule.lockMs);
  }
  const longestRun = Math.max(0, ...ticket.runs.map((run) => run.failures));
  return { delayMs: loginDelayMs(longestRun, ctx.config.loginDelayBaseMs) };
}

/**
 * The password was right: the account's run is cleared, and the address's provisional count taken back
 * (only that: one good account must not launder the failures of a spray from the same address).
 */
export async function loginSucceeded(ctx: PortalContext, ticket: AttemptTicket): Promise<void> {
  for (const { kind, key } of ticket.runs) {
    if (kind === 'account') await ctx.storage.loginAttempts.reset(kind, key);
    else await ctx.storage.loginAttempts.forgive(kind, key);
  }
}

/** The delay after the `failures`-th failure of a run. */
export function loginDelayMs(failures: number, baseMs: number): number {
  return Math.min(MAX_DELAY_MS, baseMs * Math.max(0, failures - FREE_FAILURES));
}

/** Rows no rule can still use: every run and lock ended before this. */
export function staleLoginAttemptsBefore(now: number): number {
  const longest = Math.max(...Object.values(LOGIN_RULES).map((rule) => Math.max(rule.windowMs, rule.lockMs)));
  return now - longest;
}

/** "Try again in N minutes." — whole minutes, rounded up so the advice is never too early. */
export function lockedMessage(retryAfterMs: number): string {
  const minutes = Math.max(1, Math.ceil(retryAfterMs / MINUTE));
  return `Too many failed attempts. Try again in ${minutes} ${minutes === 1 ? 'minute' : 'minutes'}.`;
}
