import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The SMS provider port. A real provider (Twilio, SNS, …) cannot run on this machine, so the
 * platform ships only the port and a local adapter that writes each message to a file; production
 * wires a provider adapter here.
 */
export interface SmsSender {
  send(message: { to: string; text: string; id: string }): Promise<void>;
}

export function createOutboxSms(dir: string): SmsSender {
  return {
    async send(message) {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      await writeFile(join(dir, `sms-${message.id}.json`), JSON.stringify(message), { mode: 0o600 });
    },
  };
}
