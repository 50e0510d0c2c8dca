/**
 * requireRootNetns: without `ip`/`nft` it skips locally but fails under CI. Runs anywhere (no root):
 * a child process gets a PATH where neither tool exists.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const helper = new URL('./harness/require-root-netns.ts', import.meta.url).href;

function gate(ci: boolean) {
  const code = `const m = await import(${JSON.stringify(helper)}); console.log('enabled=' + m.requireRootNetns());`;
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: '/nonexistent', CI: ci ? 'true' : '' };
  return spawnSync(process.execPath, ['--import', tsx, '--input-type=module', '-e', code], {
    env,
    encoding: 'utf8',
  });
}

describe('requireRootNetns', () => {
  it('skips with the missing tools named when not under CI', () => {
    const out = gate(false);
    expect(out.status).toBe(0);
    expect(out.stdout).toContain('enabled=false');
    expect(out.stderr).toContain('apt-get install nftables');
  });

  it('fails under CI=true', () => {
    const out = gate(true);
    expect(out.status).not.toBe(0);
    expect(out.stderr).toContain('CI must provide them');
    expect(out.stdout).not.toContain('enabled=');
  });
});
