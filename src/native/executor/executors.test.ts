import { describe, expect, it } from 'vitest';
import { localExecutor, TIMEOUT_EXIT_CODE } from './local-executor.js';
import { netnsExecutor } from './netns-executor.js';
import { shellQuote, sshExecutor } from './ssh-executor.js';
import type { ExecResult, Executor } from './types.js';

/** Records every vector instead of running it. */
function recorder(): Executor & { calls: { argv: readonly string[]; stdin?: string }[] } {
  const calls: { argv: readonly string[]; stdin?: string }[] = [];
  return {
    where: 'recorder',
    calls,
    run: async (argv, opts): Promise<ExecResult> => {
      calls.push({ argv, stdin: opts?.stdin });
      return { code: 0, stdout: '', stderr: '' };
    },
  };
}

describe('localExecutor', () => {
  it('passes arguments literally, without a shell', async () => {
    const r = await localExecutor().run(['printf', '%s|', 'a;b', '$(id)', '`x`', "'q'"]);
    expect(r).toEqual({ code: 0, stdout: "a;b|$(id)|`x`|'q'|", stderr: '' });
  });

  it('feeds stdin and reports the exit code and stderr', async () => {
    expect((await localExecutor().run(['cat'], { stdin: 'hello\n' })).stdout).toBe('hello\n');
    const r = await localExecutor().run(['ls', '/nonexistent-nlbk']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/nonexistent-nlbk/);
  });

  it('kills a command that runs past its timeout', async () => {
    const t0 = Date.now();
    const r = await localExecutor().run(['sleep', '5'], { timeoutMs: 100 });
    expect(r.code).toBe(TIMEOUT_EXIT_CODE);
    expect(r.stderr).toMatch(/timeout/);
    expect(Date.now() - t0).toBeLessThan(3000);
  });

  it('rejects when the command cannot start', async () => {
    await expect(localExecutor().run(['nlbk-no-such-binary'])).rejects.toThrow(/ENOENT/);
    await expect(localExecutor().run([])).rejects.toThrow(/empty/);
  });
});

describe('netnsExecutor', () => {
  it('prefixes ip netns exec NAME and keeps stdin', async () => {
    const base = recorder();
    const ex = netnsExecutor('nlbk-lb1', { base });
    expect(ex.where).toBe('netns nlbk-lb1');
    expect(ex.netns).toBe('nlbk-lb1');
    await ex.run(['nft', '-f', '-'], { stdin: 'x' });
    expect(base.calls).toEqual([{ argv: ['ip', 'netns', 'exec', 'nlbk-lb1', 'nft', '-f', '-'], stdin: 'x' }]);
  });

  it.each(['', 'a b', 'a;b', '../x', '..', '.', '-n', 'x'.repeat(65), 'a\nb', 'a/b'])(
    'refuses the name %j before running anything',
    (name) => {
      const base = recorder();
      expect(() => netnsExecutor(name, { base })).toThrow(/invalid namespace name/);
      expect(base.calls).toHaveLength(0);
    },
  );
});

describe('sshExecutor', () => {
  it('quotes every argument for the remote shell', async () => {
    const base = recorder();
    await sshExecutor('root@lb1.example.net', { base, port: 2222 }).run(['nft', "it's; rm -rf /"]);
    expect(base.calls[0]?.argv).toEqual([
      'ssh',
      '-o',
      'BatchMode=yes',
      '-p',
      '2222',
      '--',
      'root@lb1.example.net',
      `'nft' 'it'\\''s; rm -rf /'`,
    ]);
  });

  it('quoting round-trips through a real POSIX shell', async () => {
    const hostile = ["a'b", '$(id)', '`x`', 'a\nb', '\\', '"', ' ', ''];
    const r = await localExecutor().run(['sh', '-c', `printf '%s|' ${hostile.map(shellQuote).join(' ')}`]);
    expect(r.stdout).toBe(`${hostile.join('|')}|`);
  });

  it.each(['-oProxyCommand=x', 'a b', 'host;id', '', 'a@b@c'])('refuses the host %j', (host) => {
    expect(() => sshExecutor(host, { base: recorder() })).toThrow(/invalid host/);
  });
});
