/**
 * Runs nlbkit's real health checks inside a network namespace for a test process outside it (started
 * by netns-checker.ts with `ip netns exec <ns> node --import tsx`). JSON lines on stdin:
 * `{"id":1,"spec":{...,"codes":[200,...],"udpHex":".."}}` runs a check, `{"cancel":1}` aborts it; each check answers
 * one line `{"id":1,"ok":false,"reason":"..."}`. Ends when stdin closes.
 */
import readline from 'node:readline';
import { runCheck } from '../../../src/native/health/checkers/index.js';
import type { CheckSpec } from '../../../src/native/health/checkers/types.js';

type WireSpec = Omit<CheckSpec, 'expectedCodes' | 'udpPayload'> & { codes?: number[]; udpHex?: string };

const running = new Map<number, AbortController>();
const lines = readline.createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const msg = JSON.parse(line) as { id?: number; spec?: WireSpec; cancel?: number };
  if (msg.cancel !== undefined) {
    running.get(msg.cancel)?.abort();
    return;
  }
  if (msg.id === undefined || !msg.spec) return;
  const id = msg.id;
  const { codes, udpHex, ...rest } = msg.spec;
  const spec: CheckSpec = rest;
  if (udpHex !== undefined) spec.udpPayload = Buffer.from(udpHex, 'hex');
  if (codes) {
    const allowed = new Set(codes);
    spec.expectedCodes = (status) => allowed.has(status);
  }
  const controller = new AbortController();
  running.set(id, controller);
  void runCheck(spec, controller.signal).then((outcome) => {
    running.delete(id);
    process.stdout.write(`${JSON.stringify({ id, ...outcome })}\n`);
  });
});
lines.on('close', () => {
  for (const c of running.values()) c.abort();
  process.exit(0);
});
process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
