import type { Clock } from '../../../oauth/ports.js';
import type { ApiRepositories } from '../../ports.js';
import type { MessageRecord } from '../ports.js';
import { addressFor, missingAddress } from './service.js';

/** Hands a message to the outside world (an SMS or e-mail gateway). */
export interface MessageTransport {
  /**
   * Resolves when the gateway accepted the message; rejects with the reason it refused. `message.id` is
   * stable: a gateway that supports it should use it as its idempotency key.
   */
  send(message: MessageRecord, address: string): Promise<void>;
}

export interface MessageWorkerOptions {
  /** How long after `sent` the gateway reports delivery. */
  deliveryDelayMs: number;
  /** Messages handled per step and status. */
  batchSize: number;
  /** Told about a message the worker could not handle (it carries on with the next one). */
  onError?: (error: unknown, messageId: string) => void;
}

/**
 * Moves messages along queued → sent → delivered (or failed). At most once: a message is claimed (moved
 * to `sent` by a conditional update) before it is handed to the gateway, so of several workers on one
 * database exactly one sends it, and a crash between claim and hand-off loses the message rather than
 * sending it twice — a duplicate SMS is the worse failure. A gateway refusal then moves it to `failed`.
 */
export class MessageWorker {
  private stopping = false;
  private running: Promise<number> | undefined;

  constructor(
    private readonly repos: ApiRepositories,
    private readonly clock: Clock,
    private readonly transport: MessageTransport,
    private readonly options: MessageWorkerOptions,
  ) {}

  /** One pass over the queue; returns how many messages changed status. Passes never overlap. */
  runOnce(): Promise<number> {
    if (this.running !== undefined) return this.running;
    const pass = this.pass().finally(() => {
      this.running = undefined;
    });
    this.running = pass;
    return pass;
  }

  /** Lets the pass in flight finish its current message, then resolves; no pass starts after this. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.running?.catch(() => undefined);
  }

  private async pass(): Promise<number> {
    let changed = 0;
    const handle = async (message: MessageRecord, step: (message: MessageRecord) => Promise<boolean>) => {
      try {
        if (await step(message)) changed += 1;
      } catch (error) {
        this.options.onError?.(error, message.id);
      }
    };
    if (this.stopping) return 0;
    // A message is queued only when it is inserted, so its `updatedAt` is its creation: oldest first.
    for (const message of await this.repos.messages.listDue('queued', this.clock.now(), this.options.batchSize)) {
      if (this.stopping) return changed;
      await handle(message, (queued) => this.dispatch(queued));
    }
    // Only messages sent at least deliveryDelayMs ago (`updatedAt` is when they became `sent`), longest
    // waiting first: messages not yet due are not loaded, and cannot hold up due ones behind them.
    const sentBefore = this.clock.now() - this.options.deliveryDelayMs;
    for (const message of await this.repos.messages.listDue('sent', sentBefore, this.options.batchSize)) {
      if (this.stopping) return changed;
      await handle(message, (sent) => this.move(sent, 'sent', 'delivered', null));
    }
    return changed;
  }

  private async dispatch(message: MessageRecord): Promise<boolean> {
    const scope = { ownerId: message.ownerId, environment: message.environment };
    const contact = await this.repos.contacts.find(scope, message.contactId);
    if (contact === undefined) return this.move(message, 'queued', 'failed', 'the contact no longer exists');
    const address = addressFor(contact, message.channel);
    if (address === undefined) return this.move(message, 'queued', 'failed', missingAddress(message.channel));
    // Claim first: only the worker whose conditional update wins hands the message over.
    if (!(await this.move(message, 'queued', 'sent', null))) return false;
    try {
      await this.transport.send(message, address);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      await this.move(message, 'sent', 'failed', `the gateway refused the message: ${reason}`);
    }
    return true;
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
