import type { ApiContext } from './apis/context.js';
import type { PortalConfig, PortalContext } from './portal/domain/context.js';
import type { Storage } from './storage/storage.js';

/**
 * The whole server's context, built by the composition root (runtime.ts): each product's functions ask only
 * for their own part of it (OAuthContext, PortalContext, ApiContext).
 */
export interface FlexgateContext extends PortalContext, ApiContext {
  config: PortalConfig;
  storage: Storage;
}
