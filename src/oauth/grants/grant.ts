import type { OAuthContext } from '../context.js';
import type { RawParams } from '../params.js';
import type { ClientRecord, GrantType } from '../ports.js';

/** RFC 6749 §5.1 successful token response. */
export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  refresh_token?: string;
  scope: string;
}

/**
 * Every grant module exports one of these; the token endpoint dispatches on `grantType`. `Uses` names the
 * parts of the context the grant needs (fosite's habit): a grant cannot reach what it does not declare.
 */
export interface GrantHandler<Uses extends Partial<OAuthContext> = OAuthContext> {
  grantType: GrantType;
  handle(ctx: Uses, client: ClientRecord, params: RawParams): Promise<TokenResponse>;
}
