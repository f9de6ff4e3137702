import type { OAuthConfig, OAuthContext } from '../../oauth/context.js';
import type { PasswordHasher, PortalStorage } from './ports.js';

export interface PortalConfig extends OAuthConfig {
  sessionTtlSeconds: number;
  /** Failed logins from the 3rd on are answered after this × (failures − 2) ms, at most 2 s; 0 in tests. */
  loginDelayBaseMs: number;
}

/** What the portal's domain works with: the protocol's context plus accounts, apps and sessions. */
export interface PortalContext extends OAuthContext {
  config: PortalConfig;
  storage: PortalStorage;
  passwords: PasswordHasher;
}
