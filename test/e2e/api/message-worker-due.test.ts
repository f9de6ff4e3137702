/**
 * The worker's sent → delivered step reads only what is due (MessageRepository.listDue): a message sent
 * long enough ago is delivered even when a full batch of older-created messages, sent later, is not due.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newContact } from '../../../src/apis/example/contacts/service.js';
import { newMessage } from '../../../src/apis/example/messages/service.js';
import { type MessageTransport, MessageWorker } from '../../../src/apis/example/messages/worker.js';
import type { DataScope } from '../../../src/apis/example/ports.js';
import { startTestServer, type TestServer, testDialects } from '../../helpers/server.js';

const DELAY = 2000;
const BATCH = 3;

describe.each(testDialects())('the message worker delivers what is due (%s)', (dialect) => {
  let server: TestServer;
  const scope: DataScope = { ownerId: 'worker-due-owner', environment: 'sandbox' };
  const noTransport: MessageTransport = {
    async send() {
      throw new Error('nothing should be sent');
    },
  };

  beforeAll(async () => {
    server = await startTestServer({ dialect });
    await server.server.messageWorker.stop();
    await server.ctx.storage.contacts.insert(
      newContact(scope, { name: 'D', email: null, phone: '+31612345678', language: null, tags: [] }, 'ct_due', 0),
    );
  });
  afterAll(async () => {
    await server?.close();
  });

  async function sentMessage(id: string, createdAt: number, sentAt: number): Promise<void> {
    const fields = { contactId: 'ct_due', channel: 'sms' as const, body: 'hello' };
    await server.ctx.storage.messages.insert(newMessage(scope, fields, id, createdAt));
    expect(
      await server.ctx.storage.messages.transition(id, 'queued', { status: 'sent', at: sentAt, detail: null }),
    ).toBe(true);
  }

  it('a due message behind a full batch of not-yet-due ones is delivered; those stay sent', async () => {
    const t0 = server.clock.now();
    // Created first but sent just now: a batch of them, none due.
    for (let i = 0; i < BATCH; i += 1) await sentMessage(`msg_due_recent${i}`, t0 - 10_000 + i, t0);
    // Created later, sent long ago: due.
    await sentMessage('msg_due_old', t0 - 5_000, t0 - DELAY - 1);
    const worker = new MessageWorker(server.ctx.storage, server.clock, noTransport, {
      deliveryDelayMs: DELAY,
      batchSize: BATCH,
    });
    expect(await worker.runOnce()).toBe(1);
    const status = async (id: string) => (await server.ctx.storage.messages.find(scope, id))?.status;
    expect(await status('msg_due_old')).toBe('delivered');
    for (let i = 0; i < BATCH; i += 1) expect(await status(`msg_due_recent${i}`)).toBe('sent');

    // Exactly DELAY after their send they are due, and delivered.
    server.clock.advance(DELAY);
    expect(await worker.runOnce()).toBe(BATCH);
    for (let i = 0; i < BATCH; i += 1) expect(await status(`msg_due_recent${i}`)).toBe('delivered');
    expect(await worker.runOnce()).toBe(0);
  });
});
