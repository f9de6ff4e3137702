import { timingSafeEqual } from 'node:crypto';
import { hashSecret } from '../../oauth/secrets.js';
import type { PortalContext } from './context.js';
import type { SessionRecord, UserRecord } from './ports.js';

/**
 * Browser sessions for the login and consent pages: server-side rows keyed by the hash of a random id.
 * Anonymous sessions exist only to bind a CSRF token to the login form.
 */
export interface ActiveSession {
  /** The raw id, for the cookie. */
  id: string;
  record: SessionRecord;
}

export async function findSession(ctx: PortalContext, rawId: string | undefined): Promise<ActiveSession | undefined> {
  if (rawId === undefined || rawId === '') return undefined;
  const record = await ctx.storage.sessions.findByHash(hashSecret(rawId));
  if (record === undefined || record.expiresAt <= ctx.clock.now()) return undefined;
  return { id: rawId, record };
}

export async function createSession(ctx: PortalContext, userId: string | null): Promise<ActiveSession> {
  const id = ctx.random.token(32);
  const now = ctx.clock.now();
  const record: SessionRecord = {
    idHash: hashSecret(id),
    userId,
    csrfToken: ctx.random.token(32),
    createdAt: now,
    expiresAt: now + ctx.config.sessionTtlSeconds * 1000,
  };
  await ctx.storage.sessions.create(record);
  return { id, record };
}

/** Logging in replaces the session (and its id), so an id planted before login is worthless after it. */
export async function replaceSession(
  ctx: PortalContext,
  previous: ActiveSession | undefined,
  userId: string | null,
): Promise<ActiveSession> {
  if (previous !== undefined) await ctx.storage.sessions.delete(previous.record.idHash);
  return createSession(ctx, userId);
}

export async function endSession(ctx: PortalContext, session: ActiveSession): Promise<void> {
  await ctx.storage.sessions.delete(session.record.idHash);
}

export function csrfTokenMatches(session: ActiveSession | undefined, presented: unknown): boolean {
  if (session === undefined || typeof presented !== 'string') return false;
  const expected = Buffer.from(session.record.csrfToken);
  const given = Buffer.from(presented);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

// A fixed argon2id hash to verify against when the username is unknown, so a failed login takes as long
// for a missing user as for a wrong password (no user enumeration by timing).
let dummyHash: Promise<string> | undefined;

/** Checks a username and password; undefined when either is wrong. */
export async function verifyPassword(
  ctx: PortalContext,
  username: string,
  password: string,
): Promise<UserRecord | undefined> {
  const user = await ctx.storage.users.findByUsername(username);
  if (user === undefined) {
    dummyHash ??= ctx.passwords.hash('flexgate-timing-equaliser');
    await ctx.passwords.verify(await dummyHash, password);
    return undefined;
  }
  return (await ctx.passwords.verify(user.passwordHash, password)) ? user : undefined;
}
