import type { Command } from 'commander';
import { MAX_ACCESS_TOKEN_TTL_SECONDS } from '../oauth/context.js';
import { withRuntime, withStorageOptions } from './shared.js';

const KEY_ROTATION_MARGIN_MS = 5 * 60 * 1000;

export function registerKeys(program: Command): void {
  const keys = program.command('keys').description('manage the access-token signing keys');
  withStorageOptions(
    keys
      .command('rotate')
      .description('create a new signing key; the previous one stays in JWKS until the tokens it signed expire'),
  ).action(async (flags) => {
    await withRuntime(flags, async (ctx) => {
      // Servers keep signing with the old key until their next sync: a margin covers the tokens they sign meanwhile.
      // The CLI may not know the server's token lifetime: keep the old key for the longest one allowed.
      const key = await ctx.keys.rotate(MAX_ACCESS_TOKEN_TTL_SECONDS * 1000 + KEY_ROTATION_MARGIN_MS);
      process.stdout.write(`new signing key ${key.kid} (${key.alg}); running servers pick it up within seconds\n`);
    });
  });
}
