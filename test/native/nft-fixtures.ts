/** Builders and a recording executor shared by the nft unit tests (test-only). */
import type { ExecResult, Executor } from '../../src/native/executor/types.js';
import type { BackendSpec, NodeDataplaneState, ServiceSpec } from '../../src/native/model.js';
import { ruleStamp } from '../../src/native/nft/nft-render.js';

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

/** The rules of the table nlbkit writes for a state without services, by chain (bodies as rendered). */
const EMPTY_TABLE_RULES: Record<string, string[]> = {
  prerouting: [
    'ip daddr . meta l4proto . th dport vmap @svc4',
    'ip6 daddr . meta l4proto . th dport vmap @svc6',
  ],
  output: ['ip daddr . meta l4proto . th dport vmap @svc4', 'ip6 daddr . meta l4proto . th dport vmap @svc6'],
  postrouting: ['meta mark & 0x20000000 == 0x20000000 masquerade'],
  reject_new: ['meta l4proto tcp reject with tcp reset', 'reject'],
};
const HOOKS: Record<string, [string, number]> = {
  prerouting: ['prerouting', -100],
  output: ['output', -100],
  postrouting: ['postrouting', 100],
};

/**
 * `nft -j list table inet nlbkit` of the table nlbkit writes for a state without services (default
 * options), shaped as nft 1.0.6 prints it, for tests without a kernel: each rule carries its stamp.
 */
export function emptyTableListing(): { nftables: Record<string, Record<string, unknown>>[] } {
  const t = { family: 'inet', table: 'nlbkit' };
  const chains = Object.entries(EMPTY_TABLE_RULES).flatMap(([name, rules]) => {
    const hook = HOOKS[name];
    const h = hook ? { type: 'nat', hook: hook[0], prio: hook[1], policy: 'accept' } : {};
    return [
      { chain: { ...t, name, ...h } },
      ...rules.map((body) => ({ rule: { ...t, chain: name, comment: ruleStamp(body) } })),
    ];
  });
  return {
    nftables: [
      { metainfo: { version: '1.0.6', json_schema_version: 1 } },
      { table: { family: 'inet', name: 'nlbkit', handle: 1 } },
      { map: { ...t, name: 'svc4', type: ['ipv4_addr', 'inet_proto', 'inet_service'], map: 'verdict' } },
      { map: { ...t, name: 'svc6', type: ['ipv6_addr', 'inet_proto', 'inet_service'], map: 'verdict' } },
      ...chains,
    ],
  };
}
