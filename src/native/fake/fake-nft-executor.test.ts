/**
 * The fake nft executor against nlbkit's own nftables data plane (full and incremental syncs, read-back,
 * adoption by a new instance, destroy), and the kernel's rules it keeps: all or nothing per
 * transaction, objects must exist, elements must fit their map, objects in use cannot be deleted.
 */
import { describe, expect, it } from 'vitest';
import { backend, nodeState, service } from '../../../test/native/nft-fixtures.js';
import { isNotFound } from '../dataplane/dataplane-errors.js';
import { createNftDataplane } from '../nft/nft-dataplane.js';
import { createFakeNftExecutor } from './fake-nft-executor.js';

const nft = async (ex: ReturnType<typeof createFakeNftExecutor>, script: string) =>
  ex.run(['nft', '-f', '-'], { stdin: script });

const MAP =
  'table inet t {\n\tmap m {\n\t\ttype ipv4_addr . inet_service : ipv4_addr . inet_service\n\t}\n}\n';

describe('createFakeNftExecutor with the nftables data plane', () => {
  it('applies full and incremental syncs; the read-back finds no drift', async () => {
    const ex = createFakeNftExecutor();
    const dp = createNftDataplane({ executor: ex });
    const state = nodeState([
      service(),
      service({
        id: 'dns',
        vip: 'fd00::5',
        family: 6,
        protocol: 'udp',
        port: 53,
        backends: [backend(1, { family: 6 })],
      }),
    ]);
    expect(await dp.sync(state)).toMatchObject({ mode: 'full' });
    expect(await dp.verify(state)).toEqual([]);
    const dump = ex.dump();
    expect(dump).toMatch(/^table inet nlbkit \{\n\tcomment "nlbkit:[0-9a-f]{16}"\n/);
    expect(dump).toContain('10.0.0.1 . tcp . 80 : goto ');
    expect(dump).toContain('fd00::5 . udp . 53 : goto ');

    const changed = nodeState([service({ backends: [backend(1), backend(3)] })]);
    expect(await dp.sync(changed)).toMatchObject({ mode: 'incremental' });
    expect(await dp.verify(changed)).toEqual([]);
    expect(ex.dump()).toContain('10.1.0.3 . 8080');
    expect(ex.dump()).not.toContain('10.1.0.2');
    expect(ex.dump()).not.toContain('fd00::5');

    // A new instance (an agent restart) adopts what the fake holds instead of rebuilding it.
    expect(await createNftDataplane({ executor: ex }).sync(changed)).toEqual({ mode: 'none', statements: 0 });
    await dp.destroy();
    expect(ex.dump()).toBe('');
  });

  it('reports a table changed by hand as drift', async () => {
    const ex = createFakeNftExecutor();
    const dp = createNftDataplane({ executor: ex });
    const state = nodeState([service()]);
    await dp.sync(state);
    expect((await nft(ex, 'add chain inet nlbkit sneaky\n')).code).toBe(0);
    expect(await dp.verify(state)).toEqual(['chain sneaky: unexpected, 0 rules']);
  });

  it('dumps canonically: the same ruleset reached in another order dumps the same, and the dump applies again', async () => {
    const a = createFakeNftExecutor();
    const b = createFakeNftExecutor();
    await nft(
      a,
      `${MAP}add element inet t m { 10.0.0.1 . 80 : 10.1.0.1 . 8080, 10.0.0.2 . 80 : 10.1.0.2 . 8080 }\n`,
    );
    await nft(b, MAP);
    await nft(b, 'add element inet t m { 10.0.0.2 . 80 : 10.1.0.2 . 8080 }\n');
    await nft(b, 'add element inet t m { 10.0.0.1 . 80 : 10.1.0.1 . 8080 }\n');
    expect(b.dump()).toBe(a.dump());
    const c = createFakeNftExecutor();
    expect((await nft(c, a.dump())).code).toBe(0);
    expect(c.dump()).toBe(a.dump());
  });
});

describe('createFakeNftExecutor keeps the kernel rules', () => {
  it('applies a transaction all or nothing', async () => {
    const ex = createFakeNftExecutor();
    await nft(ex, MAP);
    const before = ex.dump();
    const r = await nft(ex, 'add element inet t m { 10.0.0.1 . 80 : 10.1.0.1 . 8080 }\nbad\n');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("/dev/stdin:2:1-3: Error: syntax error, unexpected 'bad'");
    expect(ex.dump()).toBe(before);
  });

  it.each([
    ['a missing table', 'add map inet nope m { type ipv4_addr : verdict; }', /No such file or directory/],
    ['a missing element', 'delete element inet t m { 10.0.0.9 . 80 }', /No such file or directory/],
    [
      'a key of the wrong family',
      'add element inet t m { fd00::1 . 80 : 10.1.0.1 . 8080 }',
      /not a ipv4_addr/,
    ],
    [
      'a port out of range',
      'add element inet t m { 10.0.0.1 . 70000 : 10.1.0.1 . 8080 }',
      /not a inet_service/,
    ],
    ['a key with a missing part', 'add element inet t m { 10.0.0.1 : 10.1.0.1 . 8080 }', /has 1 parts/],
    [
      'a rule naming a missing map',
      'add chain inet t c\nadd rule inet t c ip daddr vmap @nope',
      /No such file/,
    ],
    [
      'a map a rule uses',
      'add chain inet t c\nadd rule inet t c dnat ip to ip daddr . th dport map @m\ndelete map inet t m',
      /Device or resource busy/,
    ],
  ])('refuses %s and changes nothing', async (_what, script, error) => {
    const ex = createFakeNftExecutor();
    await nft(ex, MAP);
    const before = ex.dump();
    const r = await nft(ex, `${script}\n`);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(error);
    expect(ex.dump()).toBe(before);
  });

  it('refuses to change an element value with add, but accepts the same element again', async () => {
    const ex = createFakeNftExecutor();
    await nft(ex, `${MAP}add element inet t m { 10.0.0.1 . 80 : 10.1.0.1 . 8080 }\n`);
    expect((await nft(ex, 'add element inet t m { 10.0.0.1 . 80 : 10.1.0.1 . 8080 }\n')).code).toBe(0);
    const r = await nft(ex, 'add element inet t m { 10.0.0.1 . 80 : 10.1.0.2 . 8080 }\n');
    expect(r.stderr).toMatch(/File exists/);
  });

  it('lists a missing table as nft does, so the data plane reads it as not found', async () => {
    const r = await createFakeNftExecutor().run(['nft', '-j', 'list', 'table', 'inet', 'nlbkit']);
    expect(isNotFound(r)).toBe(true);
  });

  it('keeps the agent VIP addresses and passes other commands to the fallback', async () => {
    const seen: string[][] = [];
    const ex = createFakeNftExecutor({
      fallback: {
        where: 'x',
        run: async (argv) => {
          seen.push([...argv]);
          return { code: 0, stdout: 'ok', stderr: '' };
        },
      },
    });
    await ex.run(['ip', 'link', 'add', 'nlbkit0', 'type', 'dummy']);
    await ex.run(['ip', 'addr', 'add', '10.99.0.1/32', 'dev', 'nlbkit0']);
    expect([...(ex.links.get('nlbkit0')?.addrs ?? [])]).toEqual(['10.99.0.1']);
    expect((await ex.run(['ipvsadm', '-Ln'])).stdout).toBe('ok');
    expect(seen).toEqual([['ipvsadm', '-Ln']]);
    expect(ex.calls.map((c) => c.argv[0])).toEqual(['ip', 'ip', 'ipvsadm']);
  });
});
