/** Gate for tests that run BIRD 2: root and namespaces (see netns.ts), plus `bird` and `birdc`. */
import { spawnSync } from 'node:child_process';
import { requireRootNetns } from './netns.js';

/** True when this host can run BIRD in namespaces. False (with a reason) locally; throws under CI. */
export function canRunBird(): boolean {
  if (!requireRootNetns()) return false;
  const missing = ['bird', 'birdc'].filter(
    (tool) => spawnSync(tool, ['--version'], { stdio: 'ignore' }).error !== undefined,
  );
  if (missing.length === 0) return true;
  const reason = `BIRD tests need ${missing.join(' and ')} (apt-get install bird2; scripts/setup.sh does it)`;
  if (process.env.CI === 'true') throw new Error(`${reason}. CI must provide them.`);
  console.warn(`skipping: ${reason}`);
  return false;
}
