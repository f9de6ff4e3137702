import type { MessageTransport } from '../apis/example/messages/worker.js';

/**
 * The built-in message transport. Flexgate ships no SMS or e-mail gateway: this one records the hand-off in
 * the log (never the body or the address in full: they are personal data) and reports success, so the
 * message lifecycle can be exercised end to end. A real gateway implements `MessageTransport`.
 */
export function logTransport(log: { info(obj: object, msg: string): void }): MessageTransport {
  return {
    async send(message, address) {
      log.info(
        { messageId: message.id, channel: message.channel, to: `${address.slice(0, 3)}…` },
        'message handed to the log transport',
      );
    },
  };
}
