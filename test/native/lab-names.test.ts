/**
 * The lab's one namespace maker and one sweeper (src/lab/lab-names.ts) against the real kernel: stale
 * namespaces of every registered prefix go, live and foreign ones stay; a made namespace has loopback
 * up, and removing it ends what runs inside.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, describe, expect, it } from 'vitest';
import { LAB_PREFIXES, listNamespaces, removeStaleNamespaces } from '../../src/lab/lab-names.js';
import { inNetns, makeNetns, requireRootNetns } from './netns.js';

const enabled = requireRootNetns();

describe.skipIf(!enabled)('lab namespaces', () => {
  const foreign: string[] = [];
  afterAll(() => {
    for (const ns of foreign) spawnSync('ip', ['netns', 'del', ns]);
  });

  it('the sweeper removes stale namespaces of every lab prefix and nothing else', () => {
    const live = makeNetns('live'); // first: a process's first namespace sweeps too
    const dead = spawnSync('true').pid; // exited and reaped: no process has this pid now
    const stale = Object.values(LAB_PREFIXES).map((prefix) => `${prefix}-${dead}-1-x`);
    foreign.push(`nlbk-other-${dead}-1-x`, `${LAB_PREFIXES.e2e}-${dead}-1-Role`);
    for (const ns of [...stale, ...foreign]) execFileSync('ip', ['netns', 'add', ns]);
    try {
      expect(removeStaleNamespaces()).toEqual(expect.arrayContaining(stale));
      const left = listNamespaces();
      for (const ns of stale) expect(left).not.toContain(ns);
      expect(left).toEqual(expect.arrayContaining([...foreign, live.name]));
    } finally {
      live.remove();
    }
  });

  it('makes a namespace with loopback up; remove() ends what runs inside and deletes it', async () => {
    const ns = makeNetns('made');
    expect(ns.name).toMatch(new RegExp(`^${LAB_PREFIXES.test}-${process.pid}-\\d+-made$`));
    expect(inNetns(ns.name, ['ip', '-br', 'link', 'show', 'lo'])).toMatch(/UNKNOWN|UP/);
    const sleeper = spawn('ip', ['netns', 'exec', ns.name, 'sleep', '60'], { stdio: 'ignore' });
    await once(sleeper, 'spawn');
    const exited = once(sleeper, 'exit');
    ns.remove();
    expect((await exited)[1]).toBe('SIGKILL');
    expect(listNamespaces()).not.toContain(ns.name);
    ns.remove(); // twice is harmless
  });
});
