import type { AnyApiRoute } from '../route.js';
import { contactRoutes } from './contacts/routes.js';
import { meRoutes } from './me/routes.js';
import { messageRoutes } from './messages/routes.js';
import { newsRoutes } from './news/routes.js';
import { domainValueRoutes } from './reference/routes.js';

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
