import type { FastifyInstance, FastifyRequest } from 'fastify';
import { bodyParams, formField } from '../../http/params.js';
import type { RawParams } from '../../oauth/params.js';
import { ENVIRONMENTS, type Environment } from '../../oauth/ports.js';
import {
  type AppInput,
  AppInputError,
  AppNotFoundError,
  createApp,
  deleteApp,
  disableApp,
  getApp,
  isGracePeriod,
  listAllApps,
  listMyApps,
  rotateAppSecret,
  updateApp,
} from '../domain/apps.js';
import type { PortalContext } from '../domain/context.js';
import { pageNotFound } from '../errors.js';
import { redirect, sendHtml } from '../html.js';
import { adminAppsPage, appFormPage, appListPage, appPage, deleteAppPage } from '../pages/developer-apps.js';
import { signedInForm, signedInPage } from '../session.js';

const EMPTY_INPUT: AppInput = {
  name: '',
  description: '',
  redirectUris: [],
  scopes: [],
  grantTypes: ['authorization_code', 'refresh_token', 'client_credentials'],
};

/** Every value of a repeatable form field (checkboxes arrive once or as an array). */
function listField(params: RawParams, name: string): string[] {
  const value = params[name];
  if (value === undefined) return [];
  return typeof value === 'string' ? [value] : [...value];
}

/** The application form as typed; validation is the core's (it reports per field). */
function appInputFrom(params: RawParams): AppInput {
  return {
    name: formField(params, 'name') ?? '',
    description: formField(params, 'description') ?? '',
    redirectUris: (formField(params, 'redirect_uris') ?? '')
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line !== ''),
    scopes: listField(params, 'scopes'),
    grantTypes: listField(params, 'grant_types'),
  };
}

/**
 * The app id of the URL. Ids are base64url; anything else cannot exist, and is not sent to the database
 * (PostgreSQL rejects a NUL byte in text with an error, not a miss).
 */
const appIdOf = (request: FastifyRequest) => {
  const { id } = request.params as { id: string };
  return /^[A-Za-z0-9_-]{1,64}$/.test(id) ? id : '';
};

/** The same answer for "no such app" and "not yours", so an id tells nothing about other developers' apps. */
const notFound = () => pageNotFound('There is no such application, or it is not yours.');

/** Runs `work`, turning AppNotFoundError into the 404 refusal. */
async function orNotFound<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof AppNotFoundError) throw notFound();
    throw error;
  }
}

const isEnvironment = (value: string | undefined): value is Environment =>
  value !== undefined && (ENVIRONMENTS as readonly string[]).includes(value);

export function developerAppRoutes(app: FastifyInstance, ctx: PortalContext): void {
  app.get(
    '/developers/apps',
    signedInPage(ctx, async (_request, reply, signedIn) => {
      return sendHtml(reply, 200, appListPage(signedIn.nav, await listMyApps(ctx, signedIn.user)));
    }),
  );

  app.get(
    '/developers/apps/new',
    signedInPage(ctx, async (_request, reply, signedIn) => {
      return sendHtml(reply, 200, appFormPage({ scopes: ctx.scopes.all, nav: signedIn.nav, values: EMPTY_INPUT }));
    }),
  );

  app.post(
    '/developers/apps/new',
    signedInForm(ctx, async (request, reply, signedIn) => {
      const values = appInputFrom(bodyParams(request));
      try {
        const created = await createApp(ctx, signedIn.user, values);
        // The secrets go into this response only (no redirect): never into a URL, a cookie or storage.
        return sendHtml(
          reply,
          201,
          appPage({
            nav: signedIn.nav,
            app: created,
            secrets: created.secrets,
            notice: 'Application created.',
            now: ctx.clock.now(),
            issuer: ctx.config.issuer,
          }),
        );
      } catch (error) {
        if (!(error instanceof AppInputError)) throw error;
        return sendHtml(
          reply,
          400,
          appFormPage({ scopes: ctx.scopes.all, nav: signedIn.nav, values, errors: error.fields }),
        );
      }
    }),
  );

  app.get(
    '/developers/apps/:id',
    signedInPage(ctx, async (request, reply, signedIn) => {
      return orNotFound(async () => {
        const found = await getApp(ctx, signedIn.user, appIdOf(request));
        return sendHtml(
          reply,
          200,
          appPage({ nav: signedIn.nav, app: found, now: ctx.clock.now(), issuer: ctx.config.issuer }),
        );
      });
    }),
  );

  app.get(
    '/developers/apps/:id/edit',
    signedInPage(ctx, async (request, reply, signedIn) => {
      return orNotFound(async () => {
        const { app: record, sandbox } = await getApp(ctx, signedIn.user, appIdOf(request));
        const values: AppInput = {
          name: record.name,
          description: record.description,
          redirectUris: sandbox.redirectUris,
          scopes: sandbox.scopes,
          grantTypes: sandbox.grantTypes,
        };
        return sendHtml(
          reply,
          200,
          appFormPage({ scopes: ctx.scopes.all, nav: signedIn.nav, appId: record.id, values }),
        );
      });
    }),
  );

  app.post(
    '/developers/apps/:id/edit',
    signedInForm(ctx, async (request, reply, signedIn) => {
      const appId = appIdOf(request);
      const values = appInputFrom(bodyParams(request));
      return orNotFound(async () => {
        try {
          await updateApp(ctx, signedIn.user, appId, values);
          return redirect(reply, `/developers/apps/${encodeURIComponent(appId)}`);
        } catch (error) {
          // updateApp checks ownership first: a stranger's invalid form gets the 404, not field errors.
          if (!(error instanceof AppInputError)) throw error;
          return sendHtml(
            reply,
            400,
            appFormPage({ scopes: ctx.scopes.all, nav: signedIn.nav, appId, values, errors: error.fields }),
          );
        }
      });
    }),
  );

  app.post(
    '/developers/apps/:id/rotate',
    signedInForm(ctx, async (request, reply, signedIn) => {
      const appId = appIdOf(request);
      const params = bodyParams(request);
      const environment = formField(params, 'environment');
      const grace = formField(params, 'grace') ?? '';
      return orNotFound(async () => {
        const current = await getApp(ctx, signedIn.user, appId);
        if (!isEnvironment(environment) || !isGracePeriod(grace)) {
          const notice = 'Choose an environment and a grace period from the lists.';
          return sendHtml(
            reply,
            400,
            appPage({ nav: signedIn.nav, app: current, notice, now: ctx.clock.now(), issuer: ctx.config.issuer }),
          );
        }
        const secret = await rotateAppSecret(ctx, signedIn.user, appId, environment, grace);
        const rotated = await getApp(ctx, signedIn.user, appId);
        const notice = `New ${environment} secret issued.`;
        const secrets = { [environment]: secret };
        return sendHtml(
          reply,
          200,
          appPage({
            nav: signedIn.nav,
            app: rotated,
            secrets,
            notice,
            now: ctx.clock.now(),
            issuer: ctx.config.issuer,
          }),
        );
      });
    }),
  );

  app.get(
    '/developers/apps/:id/delete',
    signedInPage(ctx, async (request, reply, signedIn) => {
      return orNotFound(async () => {
        const { app: record } = await getApp(ctx, signedIn.user, appIdOf(request));
        return sendHtml(reply, 200, deleteAppPage(signedIn.nav, record));
      });
    }),
  );

  app.post(
    '/developers/apps/:id/delete',
    signedInForm(ctx, async (request, reply, signedIn) => {
      return orNotFound(async () => {
        await deleteApp(ctx, signedIn.user, appIdOf(request));
        return redirect(reply, '/developers/apps');
      });
    }),
  );

  /* ----- admin: 404 for everyone else, so the page's existence is not advertised ----- */

  app.get(
    '/admin/apps',
    signedInPage(ctx, async (_request, reply, signedIn) => {
      return orNotFound(async () =>
        sendHtml(reply, 200, adminAppsPage(signedIn.nav, await listAllApps(ctx, signedIn.user))),
      );
    }),
  );

  app.post(
    '/admin/apps/:id/disable',
    signedInForm(ctx, async (request, reply, signedIn) => {
      return orNotFound(async () => {
        await disableApp(ctx, signedIn.user, appIdOf(request));
        return redirect(reply, '/admin/apps');
      });
    }),
  );
}
