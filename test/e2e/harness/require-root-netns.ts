/**
 * Gate for namespace tests: locally a host without root, `ip` or `nft` skips them with a clear
 * message; under CI (env CI=true) that is a failure, because CI is set up to run them.
 */
import { checkLabRequirements } from '../../../src/lab/lab-preflight.js';

/** True when the host can run netns tests. False (with a printed reason) locally; throws under CI. */
export function requireRootNetns(): boolean {
  const missing = checkLabRequirements();
  if (missing.length === 0) return true;
  const reason = `netns e2e tests need: ${missing.map((m) => `${m.what} (${m.fix})`).join('; ')}`;
  if (process.env.CI === 'true') throw new Error(`${reason}. CI must provide them.`);
  console.warn(`skipping: ${reason}`);
  return false;
}
