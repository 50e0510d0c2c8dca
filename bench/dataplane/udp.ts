/** Runs the UDP echo load (udp-load-main.ts) in the client namespace. */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inNs, start } from './proc.js';
import type { LoadResult } from './wrk.js';

const SOURCE = fileURLToPath(new URL('./udp-load-main.ts', import.meta.url));

/** One UDP load: `sockets` closed-loop sockets spread over `targets` for `seconds`. */
export interface UdpJob {
  targets: { host: string; port: number }[];
  sockets: number;
  seconds: number;
  timeoutMs?: number;
}

let compiled: Promise<string> | undefined;

/**
 * The load program as plain JavaScript in `workdir`, transpiled once with TypeScript (as the lab's own
 * programs are): Node 20 cannot run `.ts`, and loading tsx in every run would cost a second of CPU.
 */
function programFile(workdir: string): Promise<string> {
  compiled ??= (async () => {
    const ts = (await import('typescript')).default;
    const out = ts.transpileModule(await readFile(SOURCE, 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    });
    const file = join(workdir, 'udp-load-main.mjs');
    await writeFile(file, out.outputText);
    return file;
  })();
  return compiled;
}

/** Runs the load and returns answered datagrams/s, latency p50/p99 (ms) and lost datagrams as errors. */
export async function runUdp(ns: string, workdir: string, job: UdpJob): Promise<LoadResult> {
  const options = { timeoutMs: 250, ...job };
  const argv = [process.execPath, await programFile(workdir), JSON.stringify(options)];
  const r = await start(inNs(ns, argv), (job.seconds + 30) * 1000).done;
  if (r.code !== 0) throw new Error(`UDP load exited ${r.code ?? r.signal}: ${r.stderr.trim()}`);
  return JSON.parse(r.stdout.trim()) as LoadResult;
}
