import type { Clock, Repositories } from '../ports.js';
import { addressFor, missingAddress } from './messages.js';
import type { MessageRecord } from './ports.js';

/** Hands a message to the outside world (an SMS or e-mail gateway). */
export interface MessageTransport {
  /** Resolves when the gateway accepted the message; rejects with the reason it refused. */
  send(message: MessageRecord, address: string): Promise<void>;
}

export interface MessageWorkerOptions {
  /** How long after `sent` the gateway reports delivery. */
  deliveryDelayMs: number;
  /** Messages handled per step and status. */
  batchSize: number;
}

/**
 * Moves messages along queued → sent → delivered (or failed). Each step is a conditional transition in
 * storage, so several instances may run workers on one database: a message another worker moved first is
 * simply skipped.
 */
export class MessageWorker {
  constructor(
    private readonly repos: Repositories,
    private readonly clock: Clock,
    private readonly transport: MessageTransport,
    private readonly options: MessageWorkerOptions,
  ) {}

  /** One pass over the queue; returns how many messages changed status. */
  async runOnce(): Promise<number> {
    let changed = 0;
    for (const message of await this.repos.messages.listByStatus('queued', this.options.batchSize)) {
      if (await this.dispatch(message)) changed += 1;
    }
    const deliveredBefore = this.clock.now() - this.options.deliveryDelayMs;
    for (const message of await this.repos.messages.listByStatus('sent', this.options.batchSize)) {
      const sentAt = message.events.at(-1)?.at ?? message.updatedAt;
      if (sentAt > deliveredBefore) continue;
      if (await this.move(message, 'sent', 'delivered', null)) changed += 1;
    }
    return changed;
  }

  private async dispatch(message: MessageRecord): Promise<boolean> {
    const scope = { ownerId: message.ownerId, environment: message.environment };
    const contact = await this.repos.contacts.find(scope, message.contactId);
    if (contact === undefined) return this.move(message, 'queued', 'failed', 'the contact no longer exists');
    const address = addressFor(contact, message.channel);
    if (address === undefined) return this.move(message, 'queued', 'failed', missingAddress(message.channel));
    try {
      await this.transport.send(message, address);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return this.move(message, 'queued', 'failed', `the gateway refused the message: ${reason}`);
    }
    return this.move(message, 'queued', 'sent', null);
  }

  private move(
    message: MessageRecord,
    from: MessageRecord['status'],
    to: MessageRecord['status'],
    detail: string | null,
  ): Promise<boolean> {
    return this.repos.messages.transition(message.id, from, { status: to, at: this.clock.now(), detail });
  }
}
