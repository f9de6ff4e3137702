import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newContact } from '../../../src/apis/example/contacts/service.js';
import { newMessage } from '../../../src/apis/example/messages/service.js';
import { type MessageTransport, MessageWorker } from '../../../src/apis/example/messages/worker.js';
import type { DataScope, MessageRecord } from '../../../src/apis/example/ports.js';
import { startTestServer, type TestServer, testDialects } from '../../helpers/server.js';

/** A gateway that records what it was handed, and refuses bodies that say so. */
function recordingTransport(): MessageTransport & { sent: string[] } {
  const sent: string[] = [];
  return {
    sent,
    async send(message: MessageRecord) {
      await new Promise((resolve) => setTimeout(resolve, 1));
      if (message.body.includes('refuse')) throw new Error('number blocked');
      sent.push(message.id);
    },
  };
}

describe.each(testDialects())('the message worker (%s)', (dialect) => {
  let server: TestServer;
  let counter = 0;
  const scope: DataScope = { ownerId: 'worker-test-owner', environment: 'sandbox' };

  beforeAll(async () => {
    server = await startTestServer({ dialect });
    // The server's own worker would race the workers under test: stop it.
    await server.server.messageWorker.stop();
    const now = server.clock.now();
    await server.ctx.storage.contacts.insert(
      newContact(scope, { name: 'W', email: null, phone: '+31612345678', language: null, tags: [] }, 'ct_worker', now),
    );
  });
  afterAll(async () => {
    await server?.close();
  });

  async function queue(count: number, body = 'hello'): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i += 1) {
      counter += 1;
      const id = `msg_w${counter}`;
      const fields = { contactId: 'ct_worker', channel: 'sms' as const, body };
      await server.ctx.storage.messages.insert(newMessage(scope, fields, id, server.clock.now()));
      ids.push(id);
    }
    return ids;
  }

  const worker = (transport: MessageTransport) =>
    new MessageWorker(server.ctx.storage, server.clock, transport, { deliveryDelayMs: 2000, batchSize: 100 });

  it('two workers on one database hand each message over exactly once', async () => {
    const ids = await queue(10);
    const first = recordingTransport();
    const second = recordingTransport();
    await Promise.all([worker(first).runOnce(), worker(second).runOnce()]);
    expect([...first.sent, ...second.sent].sort()).toEqual([...ids].sort());
    for (const id of ids) expect((await server.ctx.storage.messages.find(scope, id))?.status).toBe('sent');
  });

  it('a gateway refusal fails the message with the reason, and it is not retried', async () => {
    const [id] = await queue(1, 'please refuse this');
    const transport = recordingTransport();
    await worker(transport).runOnce();
    await worker(transport).runOnce();
    const message = await server.ctx.storage.messages.find(scope, id ?? '');
    expect(message?.status).toBe('failed');
    expect(message?.events.map((event) => event.status)).toEqual(['queued', 'sent', 'failed']);
    expect(message?.events.at(-1)?.detail).toBe('the gateway refused the message: number blocked');
  });

  it('after stop() no pass starts', async () => {
    const [id] = await queue(1);
    const stopped = worker(recordingTransport());
    await stopped.stop();
    expect(await stopped.runOnce()).toBe(0);
    expect((await server.ctx.storage.messages.find(scope, id ?? ''))?.status).toBe('queued');
  });
});
