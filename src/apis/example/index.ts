import type { AnyApiRoute } from './route.js';
import { contactRoutes } from './routes/contacts.js';
import { domainValueRoutes } from './routes/domain-values.js';
import { meRoutes } from './routes/me.js';
import { messageRoutes } from './routes/messages.js';
import { newsRoutes } from './routes/news.js';

/**
 * The route table of the REST API, in the order of the docs: registration, the OpenAPI document (and from it
 * the Postman collection and the SDK) and the convention tests all read it.
 */
export const API_ROUTES: readonly AnyApiRoute[] = [
  ...meRoutes,
  ...contactRoutes,
  ...messageRoutes,
  ...newsRoutes,
  ...domainValueRoutes,
];
