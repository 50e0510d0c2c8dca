/** Builders and a recording executor shared by the nft unit tests (test-only). */
import type { ExecResult, Executor } from '../../src/native/executor/types.js';
import type { BackendSpec, NodeDataplaneState, ServiceSpec } from '../../src/native/model.js';

/** A backend `vmN` at 10.1.0.N (or fd01::N for family 6). */
export function backend(n: number, opts: Partial<BackendSpec> & { family?: 4 | 6 } = {}): BackendSpec {
  const { family = 4, ...rest } = opts;
  return {
    id: `vm${n}`,
    address: family === 4 ? `10.1.0.${n}` : `fd01::${n}`,
    port: 8080,
    weight: 1,
    ...rest,
  };
}

/** A service with sensible defaults: round robin on 10.0.0.1 tcp 80. */
export function service(over: Partial<ServiceSpec> = {}): ServiceSpec {
  return {
    id: 'web',
    vip: '10.0.0.1',
    family: 4,
    protocol: 'tcp',
    port: 80,
    algorithm: 'ROUND_ROBIN',
    hashFields: 'SOURCE_IP',
    backends: [backend(1), backend(2)],
    snat: false,
    ...over,
  };
}

/** A node state around some services. */
export function nodeState(
  services: ServiceSpec[],
  over: Partial<NodeDataplaneState> = {},
): NodeDataplaneState {
  return { services, hashSeed: 0x1234, maglevTableSize: 13, ...over };
}

/** One recorded command. */
export interface Call {
  argv: readonly string[];
  stdin?: string;
}

/** An executor that records every call and answers with `reply` (success by default). */
export function recordingExecutor(
  reply: (call: Call) => ExecResult | Promise<ExecResult> = () => ({ code: 0, stdout: '', stderr: '' }),
): Executor & { calls: Call[] } {
  const calls: Call[] = [];
  return {
    where: 'fake',
    calls,
    run: async (argv, opts) => {
      const call = { argv, stdin: opts?.stdin };
      calls.push(call);
      return reply(call);
    },
  };
}
