/**
 * Runs INSIDE the test VM, started by ipvs-conformance.vm.test.ts: runs the guest vitest suites
 * (test/vm/guests/, the conformance suite on the IPVS data plane) and prints one line
 * `NLBKIT-RESULT <json>` with their counts and failures.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface Assertion {
  fullName: string;
  status: string;
  failureMessages: string[];
}
const out = join(mkdtempSync(join(tmpdir(), 'nlbk-vm-vitest-')), 'results.json');
const run = spawnSync(
  'npx',
  [
    'vitest',
    'run',
    '--config',
    'test/vm/vitest.guest.config.ts',
    '--reporter=default',
    '--reporter=json',
    `--outputFile=${out}`,
  ],
  { stdio: 'inherit' },
);
const result: Record<string, unknown> = { exit: run.status };
try {
  const r = JSON.parse(readFileSync(out, 'utf8')) as {
    numPassedTests: number;
    numFailedTests: number;
    numPendingTests: number;
    testResults: { assertionResults: Assertion[] }[];
  };
  const all = r.testResults.flatMap((f) => f.assertionResults);
  result.passed = r.numPassedTests;
  result.failed = r.numFailedTests;
  result.skipped = all.filter((a) => a.status !== 'passed' && a.status !== 'failed').map((a) => a.fullName);
  result.failures = all
    .filter((a) => a.status === 'failed')
    .map((a) => ({ name: a.fullName, message: a.failureMessages.join('\n').slice(0, 2000) }));
} catch (e) {
  result.error = String(e);
}
console.log(`NLBKIT-RESULT ${JSON.stringify(result)}`);
