/**
 * Every cloud driver settles promptly once the caller's AbortSignal fires, at every operation, while
 * its HTTP request is in flight: each driver talks to a loopback server that accepts connections and
 * never answers, with `AbortSignal.timeout(1000)`. The bound is generous (20 s after the abort): it is
 * a correctness bound (a driver that ignores the signal waits for its transport's own timeout, 60 s or
 * more), not a benchmark; 3 s proved too tight on a loaded two-core CI machine (GCP, Dec 2026).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isNLBError } from '../../src/interfaces/errors.js';
import type { NLBHandler } from '../../src/interfaces/handler.js';
import {
  CLOUD_DRIVERS,
  cloudDriverAt,
  EVERY_OPERATION,
  type PlantedCredentials,
} from './cloud-drivers-at.js';
import { type SilentServer, startSilentServer } from './silent-server.js';

const ABORT_AFTER_MS = 1000;
const SETTLE_WITHIN_MS = 20_000;

const creds: PlantedCredentials = {
  aws: { accessKeyId: 'AKIAABORTTESTABORTTE', secretAccessKey: 's'.repeat(40), sessionToken: 't'.repeat(60) },
  azureToken: 'azure-token-for-the-abort-test',
  gcpToken: 'gcp-token-for-the-abort-test',
  openstack: { username: 'demo', password: 'password-for-the-abort-test' },
};

let silent: SilentServer;
beforeAll(async () => {
  silent = await startSilentServer();
});
afterAll(() => silent.close());

/**
 * Loading an SDK blocks the event loop for seconds on a busy machine (no timer, so no abort, can fire
 * meanwhile): one call first loads it and builds the clients, until its request reaches the server.
 */
async function warmUp(driver: NLBHandler): Promise<void> {
  const before = silent.accepted();
  const controller = new AbortController();
  const call = driver.listIID({ signal: controller.signal }).catch(() => undefined);
  for (let waited = 0; silent.accepted() === before && waited < 60_000; waited += 20)
    await new Promise((resolve) => setTimeout(resolve, 20));
  controller.abort();
  await call;
}

describe.each(CLOUD_DRIVERS)('%s: an abort ends a call whose request is in flight', (name) => {
  it('every operation is ABORTED well before a transport timeout, after AbortSignal.timeout(1000)', async () => {
    const driver = cloudDriverAt(name, silent.url, creds);
    await warmUp(driver);
    const before = silent.accepted();
    // All at once: each has its own signal, and one driver instance serves them as a broker would.
    const outcomes = await Promise.all(
      EVERY_OPERATION.map(async ([operation, run]) => {
        const started = Date.now();
        const error = await run(driver, { signal: AbortSignal.timeout(ABORT_AFTER_MS) }).then(
          () => new Error('resolved'),
          (e: unknown) => e,
        );
        return { operation, error, ms: Date.now() - started };
      }),
    );
    for (const { operation, error, ms } of outcomes) {
      expect(isNLBError(error), `${operation}: ${String(error)}`).toBe(true);
      expect(error, operation).toMatchObject({ code: 'ABORTED', operation });
      expect(ms, `${operation} settled after ${ms} ms`).toBeLessThan(ABORT_AFTER_MS + SETTLE_WITHIN_MS);
    }
    // The requests did reach the server: the abort ended them in flight. OpenStack's calls may all be
    // waiting on the one shared Keystone token request the warm-up started (still open, unanswered).
    const inFlight = silent.accepted() > before || (name === 'openstack' && silent.open() > 0);
    expect(inFlight, `accepted ${silent.accepted()} (before ${before}), open ${silent.open()}`).toBe(true);
  }, 90_000);
});
