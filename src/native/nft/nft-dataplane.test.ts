import { describe, expect, it } from 'vitest';
import {
  backend,
  emptyTableListing,
  nodeState,
  recordingExecutor,
  service,
} from '../../../test/native/nft-fixtures.js';
import { createNftDataplane } from './nft-dataplane.js';
import { ruleStamp } from './nft-render.js';

const three = () => [
  service({ id: 'a', vip: '10.0.0.1' }),
  service({ id: 'b', vip: '10.0.0.2' }),
  service({ id: 'c', vip: '10.0.0.3', backends: [backend(1), backend(2), backend(3)] }),
];

/** The scripts of the `nft -f -` transactions run so far. */
const applied = (ex: ReturnType<typeof recordingExecutor>) =>
  ex.calls.filter((c) => c.stdin !== undefined).map((c) => c.stdin);

const HEAD = ['nft', '-t', 'list', 'table', 'inet', 'nlbkit'];
const READ = ['nft', '-j', 'list', 'table', 'inet', 'nlbkit'];

const emptyTableJson = () => JSON.stringify(emptyTableListing());

describe('createNftDataplane (fake executor)', () => {
  it('first sync looks for a table to adopt, then is one full nft -f - transaction; an identical sync sends nothing', async () => {
    const ex = recordingExecutor();
    const dp = createNftDataplane({ executor: ex });
    expect(await dp.sync(nodeState(three()))).toMatchObject({ mode: 'full' });
    // An empty listing has no nlbkit comment: no further read, straight to the rebuild.
    expect(ex.calls.map((c) => c.argv)).toEqual([HEAD, ['nft', '-f', '-']]);
    expect(ex.calls[1]?.stdin).toMatch(
      /^table inet nlbkit\ndelete table inet nlbkit\ntable inet nlbkit \{\n\tcomment "nlbkit:[0-9a-f]{16}"\n\tmap svc4 /,
    );
    expect(await dp.sync(nodeState(three()))).toEqual({ mode: 'none', statements: 0 });
    expect(ex.calls).toHaveLength(2);
  });

  it('a fresh instance adopts a table with its fingerprint that reads back as desired', async () => {
    const state = nodeState([]);
    // The stamp a full rebuild of this state writes.
    const first = recordingExecutor();
    await createNftDataplane({ executor: first }).sync(state);
    const stamp = /comment "(nlbkit:[0-9a-f]{16})"/.exec(applied(first)[0] ?? '')?.[1];
    expect(stamp).toBeDefined();
    const kernel = (listing: { head?: string; json?: string; code?: number }) =>
      recordingExecutor((c) => {
        if (c.argv.join(' ') === HEAD.join(' '))
          return {
            code: 0,
            stdout: listing.head ?? `table inet nlbkit {\n\tcomment "${stamp}"\n}\n`,
            stderr: '',
          };
        if (c.argv.join(' ') === READ.join(' '))
          return { code: listing.code ?? 0, stdout: listing.json ?? emptyTableJson(), stderr: '' };
        return { code: 0, stdout: '', stderr: '' };
      });

    const same = kernel({});
    const dp = createNftDataplane({ executor: same });
    expect(await dp.sync(state)).toEqual({ mode: 'none', statements: 0 });
    expect(same.calls.map((c) => c.argv)).toEqual([HEAD, READ]);
    // Adopted as applied: the next change is incremental.
    expect(await dp.sync(nodeState([service({ backends: [] })]))).toMatchObject({ mode: 'incremental' });
    expect(applied(same)).toEqual([
      'add element inet nlbkit svc4 { 10.0.0.1 . tcp . 80 : goto reject_new }\n',
    ]);

    // Another fingerprint (an older layout, another seed...): rebuilt without reading further.
    const other = kernel({ head: 'table inet nlbkit {\n\tcomment "nlbkit:0000000000000000"\n}\n' });
    expect(await createNftDataplane({ executor: other }).sync(state)).toMatchObject({ mode: 'full' });
    expect(other.calls.map((c) => c.argv)).toEqual([HEAD, ['nft', '-f', '-']]);
    // The right stamp, but the read-back differs (a missing rule) or fails: rebuilt.
    const json = JSON.parse(emptyTableJson());
    json.nftables.pop();
    for (const differs of [
      kernel({ json: JSON.stringify(json) }),
      kernel({ code: 1 }),
      kernel({ json: '{' }),
    ]) {
      expect(await createNftDataplane({ executor: differs }).sync(state)).toMatchObject({ mode: 'full' });
      expect(differs.calls.map((c) => c.argv)).toEqual([HEAD, READ, ['nft', '-f', '-']]);
    }
    // Only the first sync of an instance looks: a later full rebuild (here after destroy) does not.
    const gone = kernel({});
    const dp2 = createNftDataplane({ executor: gone });
    await dp2.destroy();
    expect(await dp2.sync(state)).toMatchObject({ mode: 'full' });
    expect(gone.calls.map((c) => c.argv[1])).toEqual(['delete', '-f']);
  });

  it('a changed backend touches only the elements of its own service', async () => {
    const ex = recordingExecutor();
    const dp = createNftDataplane({ executor: ex });
    await dp.sync(nodeState(three()));
    const next = three();
    next[1]!.backends[1] = backend(2, { address: '10.1.0.99' });
    expect(await dp.sync(nodeState(next))).toEqual({ mode: 'incremental', statements: 2 });
    expect(applied(ex)[1]).toBe(
      'delete element inet nlbkit m_rr4tcp_w2 { 10.0.0.2 . 80 . 1 }\n' +
        'add element inet nlbkit m_rr4tcp_w2 { 10.0.0.2 . 80 . 1 : 10.1.0.99 . 8080 }\n',
    );
  });

  it('a service moving to a new group gets the group created, then its elements moved', async () => {
    const SH_RULE =
      'meta l4proto tcp dnat ip to ip daddr . th dport . jhash ip saddr mod 2 seed 0x00001234 map @m_sh4tcp_ip_w2';
    const ex = recordingExecutor();
    const dp = createNftDataplane({ executor: ex });
    await dp.sync(nodeState(three()));
    const next = three();
    next[0]!.algorithm = 'SOURCE_HASH';
    const r = await dp.sync(nodeState(next));
    expect(r.mode).toBe('incremental');
    const text = applied(ex)[1] ?? '';
    expect(text.split('\n').filter(Boolean)).toEqual([
      'add map inet nlbkit m_sh4tcp_ip_w2 { typeof ip daddr . th dport . numgen inc mod 1 : ip daddr . th dport; }',
      'add chain inet nlbkit c_sh4tcp_ip_w2',
      `add rule inet nlbkit c_sh4tcp_ip_w2 ${SH_RULE} comment "${ruleStamp(SH_RULE)}"`,
      'delete element inet nlbkit svc4 { 10.0.0.1 . tcp . 80 }',
      'delete element inet nlbkit m_rr4tcp_w2 { 10.0.0.1 . 80 . 0, 10.0.0.1 . 80 . 1 }',
      'add element inet nlbkit svc4 { 10.0.0.1 . tcp . 80 : goto c_sh4tcp_ip_w2 }',
      'add element inet nlbkit m_sh4tcp_ip_w2 { 10.0.0.1 . 80 . 0 : 10.1.0.1 . 8080, 10.0.0.1 . 80 . 1 : 10.1.0.2 . 8080 }',
    ]);
    expect(text).not.toMatch(/10\.0\.0\.[23]/);
  });

  it('removing a service deletes its elements; emptying one sends it to reject', async () => {
    const ex = recordingExecutor();
    const dp = createNftDataplane({ executor: ex });
    await dp.sync(nodeState(three()));
    const next = three().slice(0, 2);
    next[0]!.backends = [];
    await dp.sync(nodeState(next));
    const text = applied(ex)[1] ?? '';
    expect(text).toContain('delete element inet nlbkit svc4 { 10.0.0.1 . tcp . 80, 10.0.0.3 . tcp . 80 }');
    expect(text).toContain('add element inet nlbkit svc4 { 10.0.0.1 . tcp . 80 : goto reject_new }');
    expect(text).toContain('10.0.0.3 . 80 . 2');
  });

  it('a mutated input object is noticed: the layout keeps private copies', async () => {
    const ex = recordingExecutor();
    const dp = createNftDataplane({ executor: ex });
    const state = nodeState(three());
    await dp.sync(state);
    state.services[2]!.backends[0]!.port = 9090;
    expect((await dp.sync(state)).mode).toBe('incremental');
    expect(applied(ex)[1]).toContain('10.0.0.3 . 80 . 0 : 10.1.0.1 . 9090');
  });

  it('a failed apply is a PROVIDER_ERROR with nft stderr, and the next sync is a full rebuild', async () => {
    let fail = false;
    const ex = recordingExecutor(() =>
      fail
        ? { code: 1, stdout: '', stderr: 'Error: Could not process rule: No buffer space' }
        : { code: 0, stdout: '', stderr: '' },
    );
    const dp = createNftDataplane({ executor: ex });
    await dp.sync(nodeState(three()));
    fail = true;
    const next = three();
    next[0]!.port = 81;
    await expect(dp.sync(nodeState(next))).rejects.toMatchObject({
      code: 'PROVIDER_ERROR',
      message: expect.stringMatching(/No buffer space/),
    });
    fail = false;
    expect((await dp.sync(nodeState(next))).mode).toBe('full');
    expect((await dp.sync(nodeState(next))).mode).toBe('none');
  });

  it('a changed hash seed or table size forces a full rebuild', async () => {
    const ex = recordingExecutor();
    const dp = createNftDataplane({ executor: ex });
    await dp.sync(nodeState(three()));
    expect((await dp.sync(nodeState(three(), { hashSeed: 7 }))).mode).toBe('full');
    expect((await dp.sync(nodeState(three(), { hashSeed: 7, maglevTableSize: 17 }))).mode).toBe('full');
  });

  it('maps a missing nft to UNAVAILABLE and a timeout to TIMEOUT', async () => {
    const noSpawn = recordingExecutor(() => {
      throw Object.assign(new Error('spawn nft ENOENT'), { code: 'ENOENT' });
    });
    await expect(createNftDataplane({ executor: noSpawn }).sync(nodeState(three()))).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      retryable: true,
    });
    const inNetns = recordingExecutor(() => ({
      code: 255,
      stdout: '',
      stderr: 'exec of "nft" failed: No such file or directory',
    }));
    await expect(createNftDataplane({ executor: inNetns }).sync(nodeState(three()))).rejects.toMatchObject({
      code: 'UNAVAILABLE',
    });
    const slow = recordingExecutor(() => ({
      code: 124,
      stdout: '',
      stderr: '\n[nlbkit] killed after 5 ms (timeout)',
    }));
    await expect(createNftDataplane({ executor: slow }).sync(nodeState(three()))).rejects.toMatchObject({
      code: 'TIMEOUT',
    });
  });

  it('a listing of the table that cannot be read is drift to repair, not a crash', async () => {
    // What nft 1.0.6 prints (exit 0) for a table made dormant by hand: JSON cut off after "flags".
    const cut = '{"nftables": [{"table": {"family": "inet", "name": "nlbkit", "handle": 7, "flags": \n';
    const ex = recordingExecutor(() => ({ code: 0, stdout: cut, stderr: '' }));
    expect(await createNftDataplane({ executor: ex }).verify(nodeState(three()))).toEqual([
      'table inet nlbkit: its listing cannot be read (dormant?)',
    ]);
  });

  it('destroy deletes the table and tolerates its absence; verify reports a missing table', async () => {
    const ex = recordingExecutor(() => ({ code: 1, stdout: '', stderr: 'Error: No such file or directory' }));
    const dp = createNftDataplane({ executor: ex, tableName: 'lbtest' });
    await dp.destroy();
    expect(ex.calls[0]?.argv).toEqual(['nft', 'delete', 'table', 'inet', 'lbtest']);
    expect(await dp.verify(nodeState(three()))).toEqual(['table inet lbtest is missing']);
    expect(ex.calls[1]?.argv).toEqual(['nft', '-j', 'list', 'table', 'inet', 'lbtest']);
  });
});
