/**
 * Single namespaces for the netns tests outside the e2e lab, made by the lab's one namespace maker
 * (src/lab/lab-names.ts: named `nlbk-test-<pid>-<n>-<tag>`, swept when stale, removed on exit). The
 * privilege check is the lab's too: `requireRootNetns` (test/e2e/harness), re-exported here.
 */
import { execFileSync } from 'node:child_process';
import { LAB_PREFIXES, type LabNamespace, makeNamespace, nextLabId } from '../../src/lab/lab-names.js';

export { requireRootNetns } from '../e2e/harness/require-root-netns.js';

/** Creates a fresh namespace with lo up; `tag` (lower-case letters and digits) says what it is for. */
export const makeNetns = (tag: string): LabNamespace => makeNamespace(nextLabId(LAB_PREFIXES.test), tag);

/** Runs a command in the namespace and returns its stdout. */
export const inNetns = (name: string, argv: string[]): string =>
  execFileSync('ip', ['netns', 'exec', name, ...argv], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
