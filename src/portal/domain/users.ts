import { InputError } from '../../oauth/errors.js';
import type { PortalContext } from './context.js';
import type { UserRecord } from './ports.js';
import { checkPassword, checkUsername } from './validation.js';

export async function createUser(
  ctx: PortalContext,
  input: { username: string; password: string; isAdmin?: boolean },
): Promise<UserRecord> {
  const problem = checkUsername(input.username) ?? checkPassword(input.password);
  if (problem !== undefined) throw new InputError(problem);
  const user: UserRecord = {
    id: ctx.random.token(16),
    username: input.username,
    passwordHash: await ctx.passwords.hash(input.password),
    isAdmin: input.isAdmin ?? false,
    createdAt: ctx.clock.now(),
  };
  await ctx.storage.users.create(user);
  return user;
}
