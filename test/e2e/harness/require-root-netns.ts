/**
 * The one gate for namespace tests (test/e2e, test/native, the netns tests under src): locally a host
 * without root, `ip` or `nft` skips them with a clear message; under CI (env CI=true) that is a
 * failure, because CI is set up to run them. What it checks is the lab's preflight (src/lab).
 */
import { missingLabRequirements } from '../../../src/lab/lab-preflight.js';

let checked: { missing: string | undefined } | undefined;

/** True when the host can run netns tests. False (with a printed reason) locally; throws under CI. */
export function requireRootNetns(): boolean {
  checked ??= { missing: missingLabRequirements() };
  if (checked.missing === undefined) return true;
  const reason = `netns tests need: ${checked.missing}`;
  if (process.env.CI === 'true') throw new Error(`${reason}. CI must provide them.`);
  console.warn(`skipping: ${reason}`);
  return false;
}
