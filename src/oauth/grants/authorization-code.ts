import { invalidGrant, invalidRequest, type OAuthError } from '../errors.js';
import { optionalParam, requiredParam } from '../params.js';
import { isValidCodeVerifier, verifierMatchesChallenge } from '../pkce.js';
import type { AuthorizationCodeRecord, ClientRecord, OAuthRepositories } from '../ports.js';
import { formatScope } from '../scopes.js';
import { hashSecret } from '../secrets.js';
import { createRefreshToken, type FamilyGrantUses, revokeFamily } from '../tokens/families.js';
import type { GrantHandler } from './grant.js';

type Redemption =
  | { ok: true; code: AuthorizationCodeRecord; grantId: string; refreshToken: string | undefined }
  | { ok: false; error: OAuthError };

/** RFC 6749 §4.1.3: exchange an authorization code for tokens. */
export const authorizationCodeGrant: GrantHandler<FamilyGrantUses> = {
  grantType: 'authorization_code',
  async handle(ctx, client, params) {
    const code = requiredParam(params, 'code');
    const redirectUri = requiredParam(params, 'redirect_uri');
    const verifier = optionalParam(params, 'code_verifier');
    if (verifier !== undefined && !isValidCodeVerifier(verifier)) {
      throw invalidRequest('code_verifier must be 43-128 characters of [A-Za-z0-9-._~]');
    }

    // Consuming the code, creating the grant and its refresh token commit together. A failed check after
    // the code was consumed still commits the consumption: a code is good for one attempt only.
    const redemption = await ctx.storage.transaction((tx) =>
      redeem(ctx, tx, client, hashSecret(code), redirectUri, verifier),
    );
    if (!redemption.ok) throw redemption.error;

    const { code: record, grantId, refreshToken } = redemption;
    const { token, expiresIn } = await ctx.accessTokens.issue({
      clientId: client.id,
      userId: record.userId,
      scopes: record.scopes,
      environment: record.environment,
      grantId,
    });
    return {
      access_token: token,
      token_type: 'Bearer',
      expires_in: expiresIn,
      ...(refreshToken === undefined ? {} : { refresh_token: refreshToken }),
      scope: formatScope(record.scopes),
    };
  },
};

async function redeem(
  ctx: FamilyGrantUses,
  tx: OAuthRepositories,
  client: ClientRecord,
  codeHash: string,
  redirectUri: string,
  verifier: string | undefined,
): Promise<Redemption> {
  const now = ctx.clock.now();
  // RFC 6749 §4.1.3: the code must have been issued to the authenticated client. Checked before the code is
  // consumed, so another client can neither burn it nor revoke the grant it created by replaying it.
  const issued = await tx.codes.findByHash(codeHash);
  if (issued === undefined || issued.clientId !== client.id) return fail('The authorization code is invalid');
  const consumed = await tx.codes.consume(codeHash, now);
  if (consumed === undefined) return fail('The authorization code is invalid');
  const { record } = consumed;
  if (consumed.outcome === 'already_used') {
    // RFC 6749 §4.1.2 / RFC 9700 §4.5: a replayed code revokes every token issued from it.
    if (record.grantId !== null) await revokeFamily(ctx, tx, record.grantId);
    return fail('The authorization code was already used', 'authorization code replay');
  }
  const problem = checkCode(record, redirectUri, verifier, now);
  if (problem !== undefined) return fail(problem);
  // Every code comes with a consent given no later than the code. Without one, or with one given after it,
  // the user revoked the app (Connected apps) while the code was in flight: it must not bring access back.
  const consent = await tx.consents.find(record.userId, client.id);
  if (consent === undefined || consent.grantedAt > record.createdAt) {
    return fail('The user revoked access for this application', 'consent revoked after the code was issued');
  }

  const grantId = ctx.random.token(16);
  await tx.grants.create({
    id: grantId,
    clientId: client.id,
    userId: record.userId,
    scopes: record.scopes,
    environment: record.environment,
    createdAt: now,
    revokedAt: null,
  });
  await tx.codes.attachGrant(codeHash, grantId);
  const refreshToken = client.grantTypes.includes('refresh_token')
    ? await createRefreshToken(ctx, tx, grantId, record.scopes)
    : undefined;
  return { ok: true, code: record, grantId, refreshToken };
}

function checkCode(
  record: AuthorizationCodeRecord,
  redirectUri: string,
  verifier: string | undefined,
  now: number,
): string | undefined {
  if (record.expiresAt <= now) return 'The authorization code expired';
  // RFC 6749 §4.1.3: redirect_uri must be identical to the one in the authorization request.
  if (record.redirectUri !== redirectUri) return 'redirect_uri does not match the authorization request';
  if (record.codeChallenge !== null) {
    if (verifier === undefined) return 'code_verifier is required: the authorization request used PKCE';
    if (!verifierMatchesChallenge(verifier, record.codeChallenge)) return 'code_verifier does not match';
  } else if (verifier !== undefined) {
    // RFC 9700 §2.1.1: a verifier without a challenge is a PKCE downgrade attempt.
    return 'code_verifier sent but the authorization request had no code_challenge';
  }
  return undefined;
}

function fail(description: string, detail?: string): Redemption {
  return { ok: false, error: invalidGrant(description, detail === undefined ? {} : { detail }) };
}
