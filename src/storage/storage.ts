import type { ApiRepositories } from '../apis/ports.js';
import type { Transactional } from '../oauth/ports.js';
import type { PortalRepositories } from '../portal/domain/ports.js';

/** Every repository of every product: what the Kysely storage implements. */
/** The example API's narrow `apps`/`users` lookups are met by the portal's repositories of the same name. */
export interface Repositories extends PortalRepositories, Omit<ApiRepositories, 'apps' | 'users'> {}

export type Storage = Transactional<Repositories> & {
  readonly dialect: 'sqlite' | 'postgres';
  close(): Promise<void>;
};
