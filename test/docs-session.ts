/**
 * For the tests that run the docs' shell sessions as written (docs/server.md's curl session,
 * docs/cli.md's CLI sessions): the fenced block after a marker, and `nlbkit serve` in its own process.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');

/** The fenced block after a marker in a markdown file. */
export function blockAfter(markdown: string, marker: string, lang: string): string {
  const at = markdown.indexOf(marker);
  const m = new RegExp(`\`\`\`${lang}\\n([\\s\\S]*?)\`\`\``).exec(markdown.slice(at));
  if (at < 0 || !m) throw new Error(`no ${lang} block after ${marker}`);
  return m[1] as string;
}

/** A running `nlbkit serve`: its URL, and how to stop it (SIGTERM, then wait for the exit). */
export interface ServeProcess {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Starts `nlbkit serve --config FILE --listen 127.0.0.1:0` and resolves once it listens. */
export async function startServeProcess(
  config: string,
  env: Record<string, string | undefined>,
): Promise<ServeProcess> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(ROOT, 'src/cli/main.ts'),
      'serve',
      '--config',
      config,
      '--listen',
      '127.0.0.1:0',
    ],
    { env, stdio: ['ignore', 'pipe', 'ignore'], cwd: ROOT },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d) => {
      out += d;
      const m = /listening on (\S+)/.exec(out);
      if (m) resolve(m[1] as string);
    });
    child.on('exit', (code) => reject(new Error(`nlbkit serve exited ${code}: ${out}`)));
  });
  return {
    url,
    child,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.on('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
