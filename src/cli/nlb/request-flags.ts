/**
 * Requests from flags, for the common case: the same flag names in `create` and the change commands,
 * each setting one field of the library's request. Values are passed on as typed (numbers when they
 * look like numbers, enums upper-cased) and never checked here: the library's schema checks them, and
 * its violations name the field, which {@link FLAG_OF_FIELD} turns back into the flag.
 */
import type { Command } from 'commander';
import { stripUndefined } from '../../common/strip-undefined.js';
import type { FlagOfField } from './render-error.js';

/** The flag behind each request field (violation paths are fields; people typed flags). */
export const FLAG_OF_FIELD: FlagOfField = {
  'iid.nameId': 'NAME',
  type: '--type',
  scope: '--scope',
  vpcIID: '--vpc',
  'vpcIID.nameId': '--vpc',
  'listener.protocol': '--protocol',
  'listener.port': '--port',
  'listener.ip': '--ip',
  'vmGroup.protocol': '--backend-protocol',
  'vmGroup.port': '--backend-port',
  'vmGroup.vms': '--vms',
  'vmGroup.algorithm': '--algorithm',
  'vmGroup.hashFields': '--hash-fields',
  'vmGroup.drainTimeoutSec': '--drain',
  healthChecker: '--health-*',
  'healthChecker.protocol': '--health-protocol',
  'healthChecker.port': '--health-port',
  'healthChecker.httpPath': '--health-path',
  'healthChecker.expectedCodes': '--health-codes',
  'healthChecker.interval': '--health-interval',
  'healthChecker.timeout': '--health-timeout',
  'healthChecker.threshold': '--health-threshold',
  'healthChecker.healthyThreshold': '--health-threshold',
  'healthChecker.unhealthyThreshold': '--health-threshold',
  tagList: '--tag',
  vms: 'VM',
};

/** The flags as commander parses them (every value a string). */
export interface RequestFlags {
  protocol?: string;
  port?: string;
  ip?: string;
  backendProtocol?: string;
  backendPort?: string;
  vms?: string;
  algorithm?: string;
  hashFields?: string;
  drain?: string;
  healthProtocol?: string;
  healthPort?: string;
  healthPath?: string;
  healthCodes?: string;
  healthInterval?: string;
  healthTimeout?: string;
  healthThreshold?: string;
  type?: string;
  scope?: string;
  vpc?: string;
  tag?: string[];
}

/** A number when the text is a whole number; otherwise the text, for the schema to refuse by field. */
const num = (text: string | undefined): number | string | undefined =>
  text !== undefined && /^-?\d{1,15}$/.test(text) ? Number(text) : text;
const upper = (text: string | undefined) => text?.toUpperCase();

/** `web1,web2:3` (or a list of such words): VMs, each with an optional weight after ':'. */
export function vmMembers(words: readonly string[]): Array<{ nameId: string; weight?: number | string }> {
  return words
    .flatMap((w) => w.split(','))
    .filter((w) => w !== '')
    .map((w) => {
      const at = w.lastIndexOf(':');
      if (at < 0) return { nameId: w };
      return { nameId: w.slice(0, at), weight: num(w.slice(at + 1)) as number | string };
    });
}

/** Adds the listener flags. */
export function addListenerFlags(cmd: Command): Command {
  return cmd
    .option('--protocol <TCP|UDP>', 'listener protocol')
    .option('--port <port>', 'listener port')
    .option('--ip <address>', 'listener address (where the driver lets you choose it)');
}

/** Adds the VM group flags. */
export function addVMGroupFlags(cmd: Command): Command {
  return cmd
    .option('--backend-protocol <TCP|UDP|HTTP|HTTPS>', "the VMs' protocol")
    .option('--backend-port <port>', "the VMs' port")
    .option('--vms <name[:weight],...>', 'the VMs, by name, each with an optional weight')
    .option('--algorithm <ROUND_ROBIN|SOURCE_HASH|MAGLEV>', 'how flows are spread (default ROUND_ROBIN)')
    .option('--hash-fields <SOURCE_IP|SOURCE_IP_PORT|FIVE_TUPLE>', 'what SOURCE_HASH and MAGLEV hash')
    .option('--drain <seconds>', 'how long a removed VM keeps its connections');
}

/** Adds the health checker flags. */
export function addHealthFlags(cmd: Command): Command {
  return cmd
    .option('--health-protocol <TCP|UDP|HTTP|HTTPS>', 'health-check protocol')
    .option('--health-port <port>', "port checked (default: the VMs' port)")
    .option('--health-path <path>', 'HTTP(S) path checked')
    .option('--health-codes <codes>', 'HTTP(S) codes meaning healthy, e.g. 200-299')
    .option('--health-interval <seconds>', "seconds between checks (default: the driver's)")
    .option('--health-timeout <seconds>', "seconds to wait for an answer (default: the driver's)")
    .option('--health-threshold <count>', "results in a row that change a VM's state");
}

/** The listener the flags describe. */
export function listenerFromFlags(f: RequestFlags): Record<string, unknown> {
  return stripUndefined({ protocol: upper(f.protocol), port: num(f.port), ip: f.ip });
}

/** The VM group the flags describe; `defaults` fills protocol and port (create: the listener's). */
export function vmGroupFromFlags(
  f: RequestFlags,
  defaults: { protocol?: unknown; port?: unknown } = {},
): Record<string, unknown> {
  return stripUndefined({
    protocol: upper(f.backendProtocol) ?? defaults.protocol,
    port: num(f.backendPort) ?? defaults.port,
    vms: vmMembers(f.vms === undefined ? [] : [f.vms]),
    algorithm: upper(f.algorithm),
    hashFields: upper(f.hashFields),
    drainTimeoutSec: num(f.drain),
  });
}

/** The health checker the flags describe; without `--health-protocol`: HTTP with a path, else TCP. */
export function healthFromFlags(f: RequestFlags): Record<string, unknown> {
  return stripUndefined({
    protocol: upper(f.healthProtocol) ?? (f.healthPath !== undefined ? 'HTTP' : 'TCP'),
    port: num(f.healthPort),
    httpPath: f.healthPath,
    expectedCodes: f.healthCodes,
    interval: num(f.healthInterval),
    timeout: num(f.healthTimeout),
    threshold: num(f.healthThreshold),
  });
}

/** The whole create request the flags describe. */
export function createFromFlags(name: string, f: RequestFlags): Record<string, unknown> {
  const listener = listenerFromFlags({ protocol: 'TCP', ...stripUndefined(f) });
  return stripUndefined({
    iid: { nameId: name },
    vpcIID: f.vpc === undefined ? undefined : { nameId: f.vpc },
    type: upper(f.type),
    scope: upper(f.scope),
    listener,
    vmGroup: vmGroupFromFlags(f, listener),
    healthChecker: healthFromFlags(f),
    tagList: f.tag?.map((t) => {
      const at = t.indexOf('=');
      return at < 0 ? { key: t, value: '' } : { key: t.slice(0, at), value: t.slice(at + 1) };
    }),
  });
}

const REQUEST_FLAGS: readonly (keyof RequestFlags)[] = [
  'protocol',
  'port',
  'ip',
  'backendProtocol',
  'backendPort',
  'vms',
  'algorithm',
  'hashFields',
  'drain',
  'healthProtocol',
  'healthPort',
  'healthPath',
  'healthCodes',
  'healthInterval',
  'healthTimeout',
  'healthThreshold',
  'type',
  'scope',
  'vpc',
  'tag',
];

/** True when any request flag was given (they and `--file` exclude each other). */
export function anyRequestFlag(f: RequestFlags): boolean {
  return REQUEST_FLAGS.some((k) => f[k] !== undefined);
}
