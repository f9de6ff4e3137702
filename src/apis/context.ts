import type { OAuthContext } from '../oauth/context.js';
import type { ApiStorage } from './ports.js';

/** What the API pipeline and the in-process APIs work with: the protocol's token checks and the API data. */
export interface ApiContext extends OAuthContext {
  storage: ApiStorage;
}
