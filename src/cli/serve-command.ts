import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { checkConnections, renderChecks } from '../server/connections/check-connections.js';
import { createConnectionRegistry } from '../server/connections/connection-registry.js';
import { loadConnectionsFile } from '../server/connections/connections-file.js';
import { checkToken } from '../server/http/bearer-token.js';
import { DEFAULT_LISTEN, isLoopback, type ListenAddress, parseListen } from '../server/listen-address.js';
import { listen } from '../server/serve.js';
import { createServeApp } from '../server/serve-app.js';
import type { SpiderErrorMode } from '../server/spider/index.js';

/** Options of `nlbkit serve`, as parsed. */
interface ServeOptions {
  config: string;
  check?: boolean;
  listen: ListenAddress;
  tokenFile?: string;
  shutdownTimeout: number;
  spiderErrors: SpiderErrorMode;
}

/** The environment variable holding the bearer token (or give `--token-file`). */
export const TOKEN_ENV = 'NLBKIT_TOKEN';

const spiderErrors = (text: string): SpiderErrorMode => {
  if (text !== 'spider' && text !== 'http') throw new Error("--spider-errors must be 'spider' or 'http'");
  return text;
};

const seconds = (text: string) => {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 3600) throw new Error('--shutdown-timeout must be 0-3600 seconds');
  return n;
};

/**
 * Registers `nlbkit serve`: one HTTP API over the connections of a connections file (docs/server.md).
 * `--check` creates every connection, lists its NLBs and reports each one (exit 1 if any failed).
 *
 * @example
 * NLBKIT_TOKEN=$(openssl rand -hex 32) nlbkit serve --config nlbkit.yaml --listen 0.0.0.0:7480
 * nlbkit serve --config nlbkit.yaml --check
 */
export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description(
      'serve the HTTP API (/v1, CB-Spider /spider, /openapi.json, /healthz, /metrics, status page /) over the connections of a file',
    )
    .requiredOption('--config <file>', 'the connections file (YAML; docs/server.md)')
    .option('--check', 'create every connection, list its NLBs, report each one and exit (1 if any failed)')
    .option(
      '--listen <host:port>',
      'where to listen (default 127.0.0.1:7480; beyond loopback a token is required)',
      parseListen,
      DEFAULT_LISTEN,
    )
    .option(
      '--token-file <file>',
      `file holding the bearer token (default: the ${TOKEN_ENV} environment variable)`,
    )
    .option(
      '--spider-errors <mode>',
      "CB-Spider routes' errors: 'spider' (its 500 {message}) or 'http' (real status codes)",
      spiderErrors,
      'spider',
    )
    .option(
      '--shutdown-timeout <seconds>',
      'how long requests in flight may finish after SIGTERM/SIGINT',
      seconds,
      30,
    )
    .action(async (opts: ServeOptions) => {
      const loaded = await loadConnectionsFile(opts.config);
      const registry = createConnectionRegistry(loaded.file, { baseDir: loaded.baseDir });
      if (opts.check) {
        const checks = await checkConnections(registry);
        await registry.close();
        console.log(renderChecks(checks));
        if (checks.some((c) => !c.ok)) process.exitCode = 1;
        return;
      }
      const token = readToken(opts.tokenFile);
      if (!token && !isLoopback(opts.listen.host))
        throw new Error(
          `refusing to listen on ${opts.listen.host} without a bearer token: set ${TOKEN_ENV} or --token-file, or listen on 127.0.0.1`,
        );
      const shutdown = new AbortController();
      let draining = false;
      const app = createServeApp({
        registry,
        token,
        spiderErrors: opts.spiderErrors,
        signal: shutdown.signal,
        draining: () => draining,
        version: packageVersion(),
        log: (entry) => console.error(JSON.stringify(entry)),
        logProgress: (entry) => console.error(JSON.stringify(entry)),
      });
      const server = await listen(app, opts.listen);
      console.log(`nlbkit serve: listening on ${server.url} (connections: ${registry.names().join(', ')})`);
      const stop = async (signal: string) => {
        if (draining) return;
        draining = true;
        console.log(`nlbkit serve: ${signal}: finishing ${server.inFlight()} request(s), then exiting`);
        await server.close({ deadlineMs: opts.shutdownTimeout * 1000, abort: () => shutdown.abort() });
        await registry.close();
        console.log('nlbkit serve: stopped');
      };
      process.once('SIGTERM', () => void stop('SIGTERM'));
      process.once('SIGINT', () => void stop('SIGINT'));
    });
}

function readToken(file: string | undefined): string | undefined {
  const text = file ? readFileSync(file, 'utf8').trim() : process.env[TOKEN_ENV];
  return text ? checkToken(text) : undefined;
}

function packageVersion(): string {
  const json = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  return String(json.version);
}
