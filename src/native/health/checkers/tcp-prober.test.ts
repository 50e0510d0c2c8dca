/**
 * Both TCP probers against real loopback sockets: a listener (healthy), a closed port (refused), and
 * the native helper's automatic fallback to JavaScript. Under CI=true the helper must be built
 * (scripts/setup.sh builds it): a missing helper is a failure there, not a silent JavaScript run.
 */
import net from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { createJsTcpProber } from './js-tcp-prober.js';
import { createTcpProber, locateTcpChecker } from './native-tcp-prober.js';
import type { TcpProber } from './tcp-prober.js';

const HOST = '127.0.0.1';
const helper = locateTcpChecker();
if (!helper && process.env.CI === 'true')
  throw new Error('the native TCP checker is not built: run npm run build:native (scripts/setup.sh does)');
if (!helper)
  console.warn('native TCP checker not built (npm run build:native): testing the JavaScript prober only');

const servers: net.Server[] = [];
afterAll(() => Promise.all(servers.map((s) => new Promise((r) => s.close(r)))));

async function listening(onConnection: (s: net.Socket) => void = (s) => s.destroy()): Promise<number> {
  const server = net.createServer(onConnection);
  servers.push(server);
  return new Promise((r) => server.listen(0, HOST, () => r((server.address() as net.AddressInfo).port)));
}

async function closedPort(): Promise<number> {
  const s = net.createServer();
  const port = await new Promise<number>((r) =>
    s.listen(0, HOST, () => r((s.address() as net.AddressInfo).port)),
  );
  await new Promise((r) => s.close(r));
  return port;
}

const probe = (p: TcpProber, address: string, port: number, timeoutMs = 1000) =>
  new Promise<{ ok: boolean; reason?: string }>((resolve) =>
    p.probe(address, port, timeoutMs, (ok, reason) =>
      resolve(reason === undefined ? { ok } : { ok, reason }),
    ),
  );

const probers: Array<[string, () => TcpProber]> = [['js', () => createJsTcpProber()]];
if (helper) probers.push(['native', () => createTcpProber()]);

describe.each(probers)('%s TCP prober', (kind, make) => {
  it('is ok on a listener and refused on a closed port, with the errno name as reason', async () => {
    const p = make();
    expect(p.kind).toBe(kind);
    expect(await probe(p, HOST, await listening())).toEqual({ ok: true });
    const port = await closedPort();
    expect(await probe(p, HOST, port)).toEqual({
      ok: false,
      reason: `ECONNREFUSED: connect ECONNREFUSED ${HOST}:${port}`,
    });
    p.close();
  });

  it('closes each check with a RST: the backend sees a reset, never a FIN', async () => {
    const p = make();
    const seen: string[] = [];
    const port = await listening((s) => {
      s.on('error', (err: NodeJS.ErrnoException) => seen.push(err.code ?? 'error'));
      s.on('end', () => seen.push('FIN'));
    });
    expect((await probe(p, HOST, port)).ok).toBe(true);
    await expect.poll(() => seen, { timeout: 2000 }).toEqual(['ECONNRESET']);
    p.close();
  });

  it('runs many checks at once and answers each exactly once', async () => {
    const p = make();
    const port = await listening();
    const refused = await closedPort();
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => probe(p, HOST, i % 2 ? refused : port)),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(100);
    expect(results.filter((r) => !r.ok && /ECONNREFUSED/.test(r.reason ?? ''))).toHaveLength(100);
    p.close();
  });

  it('answers a port it cannot connect to at all with a failure, not a throw', async () => {
    const p = make();
    const out = await probe(p, HOST, 70_000);
    expect(out.ok).toBe(false);
    expect(out.reason).toMatch(/port|EINVAL/i); // JavaScript: RangeError on the port; helper: EINVAL
    p.close();
  });

  it('cancel and close answer "aborted" at once', async () => {
    const p = make();
    const port = await listening();
    const got: string[] = [];
    const token = p.probe(HOST, port, 1000, (ok, reason) => got.push(`${ok} ${reason}`));
    p.cancel(token);
    p.probe(HOST, port, 1000, (ok, reason) => got.push(`${ok} ${reason}`));
    p.close();
    expect(got).toEqual(['false aborted', 'false aborted']);
  });
});

describe('native TCP prober fallback', () => {
  it('falls back to JavaScript when the helper cannot start, and still answers', async () => {
    const why: string[] = [];
    const p = createTcpProber({
      helperPath: '/nonexistent/nlbkit-tcp-checker',
      onFallback: (w) => why.push(w),
    });
    expect(await probe(p, HOST, await listening())).toEqual({ ok: true });
    expect(p.kind).toBe('js');
    expect(why.join()).toMatch(/nlbkit-tcp-checker .*using JavaScript checks/);
    p.close();
  });

  it.skipIf(!helper)('moves the checks in flight to JavaScript when the helper dies', async () => {
    const why: string[] = [];
    // A listener that never completes the check would be a timeout: a helper killed mid-check must not
    // turn into a failure either way, so probe a listener and kill the helper before it answers.
    const p = createTcpProber({ onFallback: (w) => why.push(w) });
    const port = await listening();
    expect(await probe(p, HOST, port)).toEqual({ ok: true }); // the helper is up
    const pids = await helperPids();
    expect(pids.length).toBeGreaterThan(0);
    const pending = probe(p, HOST, port);
    for (const pid of pids) process.kill(pid, 'SIGKILL');
    expect(await pending).toEqual({ ok: true });
    await expect.poll(() => p.kind).toBe('js');
    expect(await probe(p, HOST, port)).toEqual({ ok: true });
    p.close();
  });
});

/** The helpers this process started (children whose command is the helper). */
async function helperPids(): Promise<number[]> {
  const { readdir, readFile } = await import('node:fs/promises');
  const out: number[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = await readFile(`/proc/${name}/stat`, 'utf8').catch(() => '');
    const m = /^\d+ \((.*)\) \S (\d+)/.exec(stat);
    if (m?.[1]?.startsWith('nlbkit-tcp-chec') && Number(m[2]) === process.pid) out.push(Number(name));
  }
  return out;
}
