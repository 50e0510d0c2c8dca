/** Reads a fake's request body as JSON (undefined when empty); bad JSON rejects with `badJson()`. */
import type { IncomingMessage } from 'node:http';

export function readJsonBody(
  req: IncomingMessage,
  badJson: () => Error,
): Promise<Record<string, unknown> | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      try {
        resolve(raw ? JSON.parse(raw) : undefined);
      } catch {
        reject(badJson());
      }
    });
    req.on('error', reject);
  });
}
