/** The BGP announcer's steps against a scripted bird/birdc: what runs, in which order, and what is kept on failure. */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ExecResult, Executor } from '../../executor/types.js';
import { createBgpAnnouncer } from './bgp-announcer.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

/** bird/birdc answering from `answer` (default: success, no output); every call recorded. */
function scripted(answer: (argv: string[]) => Partial<ExecResult> = () => ({})) {
  const calls: string[][] = [];
  const executor: Executor = {
    where: 'scripted',
    run: async (argv) => {
      calls.push([...argv]);
      return { code: 0, stdout: '', stderr: '', ...answer([...argv]) };
    },
  };
  return { executor, calls };
}
const V4 = { vip: '198.19.0.1', family: 4 as const, serving: true };

describe('BGP announcer steps', () => {
  it('checks with bird -p before replacing the file, then reloads; leaves no check files behind', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'nlbk-bgp-unit-'));
    dirs.push(dir);
    const include = join(dir, 'nlbkit.conf');
    const { executor, calls } = scripted();
    const state = await createBgpAnnouncer({
      includeFile: include,
      socket: '/run/bird/bird.ctl',
      executor,
    }).update([V4]);
    const steps = calls.map((a) => a.slice(0, 4).join(' '));
    expect(steps.slice(0, 2)).toEqual([
      `bird -p -c ${include}.nlbkit-check-main`,
      'birdc -s /run/bird/bird.ctl configure',
    ]);
    expect(await readFile(include, 'utf8')).toContain('route 198.19.0.1/32 blackhole;');
    expect(await readdir(dir)).toEqual(['nlbkit.conf']);
    // BIRD (scripted) holds no route: the announcer says so and tried once more, no further.
    expect(state.announced).toEqual([]);
    expect(calls.filter((a) => a.includes('configure'))).toHaveLength(2);
  });

  it('keeps the file and never reloads when bird -p refuses the rendering', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'nlbk-bgp-unit-'));
    dirs.push(dir);
    const include = join(dir, 'nlbkit.conf');
    await writeFile(include, '# before\n');
    const { executor, calls } = scripted((argv) =>
      argv[0] === 'bird' ? { code: 1, stderr: 'bird: nlbkit.conf:3:16 syntax error' } : {},
    );
    const state = await createBgpAnnouncer({ includeFile: include, executor }).update([V4]);
    expect(state.error).toMatch(/bird -p refused the rendered include: .*syntax error/);
    expect(await readFile(include, 'utf8')).toBe('# before\n');
    expect(calls.some((a) => a.includes('configure'))).toBe(false);
  });

  it('puts the previous file back when the reload fails, and withdraws everything on stop', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'nlbk-bgp-unit-'));
    dirs.push(dir);
    const include = join(dir, 'nlbkit.conf');
    await writeFile(include, '# before\n');
    let refuse = true;
    const { executor } = scripted((argv) =>
      argv.includes('configure') && refuse ? { code: 1, stdout: "Symbol 'nlbkit4' already defined" } : {},
    );
    const announcer = createBgpAnnouncer({ includeFile: include, executor });
    const state = await announcer.update([V4]);
    expect(state.error).toMatch(/birdc configure failed \(exit 1\): .*already defined/);
    expect(await readFile(include, 'utf8')).toBe('# before\n');
    refuse = false;
    await announcer.stop();
    const withdrawn = await readFile(include, 'utf8');
    expect(withdrawn).toContain('protocol static nlbkit4 {\n  ipv4;\n}');
    expect(withdrawn).not.toContain('route');
  });
});
