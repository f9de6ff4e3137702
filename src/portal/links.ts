import type { FastifyInstance } from 'fastify';
import type { NavLink } from './pages/layout.js';

/** Every portal page the navigation may point to, in menu order; `admin` pages only for administrators. */
const PORTAL_PAGES: readonly (NavLink & { admin?: true })[] = [
  { href: '/developers/apps', label: 'Applications' },
  { href: '/account/apps', label: 'Connected apps' },
  { href: '/account', label: 'Account' },
  { href: '/admin/apps', label: 'Admin', admin: true },
];

/**
 * Whether the server answers GET `url`. Pages are added by separate route modules (and may be missing in a
 * build), so links are decided by the router at render time rather than by a list kept by hand.
 */
export const servesPage = (app: FastifyInstance, url: string): boolean => app.hasRoute({ method: 'GET', url });

/** The navigation links for a signed-in user: only pages that exist and that this user may open. */
export function portalLinks(app: FastifyInstance, isAdmin: boolean): NavLink[] {
  return PORTAL_PAGES.filter((page) => (isAdmin || page.admin !== true) && servesPage(app, page.href)).map(
    ({ href, label }) => ({ href, label }),
  );
}
