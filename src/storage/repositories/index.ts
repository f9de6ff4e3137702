import type { Context } from '../context.js';
import type { Repositories } from '../storage.js';
import { appRepository } from './apps.js';
import { clientRepository } from './clients.js';
import { codeRepository } from './codes.js';
import { consentRepository } from './consents.js';
import { contactRepository } from './contacts.js';
import { grantRepository } from './grants.js';
import { idempotencyRepository } from './idempotency-keys.js';
import { loginAttemptRepository } from './login-attempts.js';
import { messageRepository } from './messages.js';
import { newsRepository } from './news.js';
import { refreshTokenRepository } from './refresh-tokens.js';
import { revocationRepository } from './revocations.js';
import { sessionRepository } from './sessions.js';
import { signingKeyRepository } from './signing-keys.js';
import { userRepository } from './users.js';

/** Every repository over `context`'s database or transaction. */
export function createRepositories(context: Context): Repositories {
  return {
    clients: clientRepository(context),
    apps: appRepository(context),
    users: userRepository(context),
    codes: codeRepository(context),
    grants: grantRepository(context),
    refreshTokens: refreshTokenRepository(context),
    consents: consentRepository(context),
    keys: signingKeyRepository(context),
    revocations: revocationRepository(context),
    sessions: sessionRepository(context),
    loginAttempts: loginAttemptRepository(context),
    contacts: contactRepository(context),
    messages: messageRepository(context),
    news: newsRepository(context),
    idempotencyKeys: idempotencyRepository(context),
  };
}
