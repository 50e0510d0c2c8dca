/**
 * zod schemas for every input nlbkit accepts. Names are kept to a safe character set (they end up in
 * nft scripts, cloud API calls and log lines), addresses are checked with ipaddr.js and returned in
 * canonical form, and unknown fields are rejected so a typo never passes silently.
 */
import ipaddr from 'ipaddr.js';
import { z } from 'zod';
import { type NLBError, type Violation, violationsError } from './errors.js';
import { joinPath, quoteInput } from './input-text.js';
import { readInput } from './read-input.js';

/** NLB names: letters, digits and '-', 1-63 characters, no leading or trailing '-'. */
export const NLB_NAME_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
/** VM and VPC names: letters, digits, '.', '_' and '-', 1-128 characters, starting with a letter or digit. */
export const RESOURCE_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
/** Provider ids (ARNs, UUIDs, Azure resource ids): no spaces, quotes, semicolons or control characters. */
export const SYSTEM_ID_PATTERN = /^[A-Za-z0-9/][A-Za-z0-9._:/@+=-]{0,1023}$/;
/** Tag keys and values: printable, no quotes, semicolons, braces or control characters. */
export const TAG_KEY_PATTERN = /^[A-Za-z0-9_.:/=+@ -]{1,128}$/;
export const TAG_VALUE_PATTERN = /^[A-Za-z0-9_.:/=+@ -]{0,256}$/;
/** HTTP paths for health checks: '/' then URL-safe characters only. */
export const HTTP_PATH_PATTERN = /^\/[A-Za-z0-9._~%/?=&+-]{0,1023}$/;
/** Status-code matchers as AWS and Octavia write them: "200", "200-299", "200,204,300-302". */
export const EXPECTED_CODES_PATTERN = /^[1-5]\d\d(?:-[1-5]\d\d)?(?:,[1-5]\d\d(?:-[1-5]\d\d)?)*$/;

/** The most VMs one request may name; drivers may allow fewer (see capabilities). */
export const MAX_VMS_PER_REQUEST = 1000;

/** An IP address in canonical form with its family. */
export interface ParsedAddress {
  family: 4 | 6;
  address: string;
}

/**
 * Parses a strict IPv4 dotted quad or an IPv6 address without a zone; returns it canonical, or
 * undefined. Legacy forms such as `10.1` or `0x0a.0.0.1` are refused: they mean different things to
 * different tools.
 *
 * @example
 * parseAddress('2001:DB8::1'); // { family: 6, address: '2001:db8::1' }
 * parseAddress('10.1'); // undefined: not a dotted quad
 */
export function parseAddress(text: string): ParsedAddress | undefined {
  if (typeof text !== 'string' || text.length > 45) return undefined;
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) {
    return { family: 4, address: ipaddr.IPv4.parse(text).toString() };
  }
  if (!text.includes('%') && ipaddr.IPv6.isValid(text)) {
    return { family: 6, address: ipaddr.IPv6.parse(text).toString() };
  }
  return undefined;
}

const patterned = (pattern: RegExp, what: string) =>
  z.string({ error: `must be a string (${what})` }).regex(pattern, { error: `must be ${what}` });

export const nlbNameSchema = patterned(
  NLB_NAME_PATTERN,
  "1-63 letters, digits or '-', not starting or ending with '-'",
);
export const resourceNameSchema = patterned(
  RESOURCE_NAME_PATTERN,
  "1-128 letters, digits, '.', '_' or '-', starting with a letter or digit",
);
export const systemIdSchema = patterned(
  SYSTEM_ID_PATTERN,
  'an id of letters, digits and . _ : / @ + = - (no spaces or quotes), at most 1024 characters',
);

/** A port number, 1-65535. */
export const portSchema = z
  .number({ error: 'must be a number' })
  .int({ error: 'must be a whole number' })
  .min(1, { error: 'must be 1-65535' })
  .max(65535, { error: 'must be 1-65535' });

/** An IP address (IPv4 dotted quad or IPv6 without zone), returned canonical. */
export const ipAddressSchema = z.string({ error: 'must be a string' }).transform((text, ctx) => {
  const parsed = parseAddress(text);
  if (!parsed) {
    ctx.addIssue({ code: 'custom', message: 'must be an IPv4 dotted quad or an IPv6 address without zone' });
    return z.NEVER;
  }
  return parsed.address;
});

const seconds = (max: number) =>
  z
    .number({ error: 'must be a number of seconds' })
    .int({ error: 'must be a whole number of seconds' })
    .min(1, { error: `must be 1-${max}` })
    .max(max, { error: `must be 1-${max}` });
const count = z
  .number({ error: 'must be a number' })
  .int({ error: 'must be a whole number' })
  .min(1, { error: 'must be 1-100' })
  .max(100, { error: 'must be 1-100' });

export const keyValueSchema = z.strictObject({
  key: patterned(TAG_KEY_PATTERN, 'a key of 1-128 printable characters without quotes or semicolons'),
  value: patterned(TAG_VALUE_PATTERN, 'a value of 0-256 printable characters without quotes or semicolons'),
});
const keyValueListSchema = z.array(keyValueSchema).max(50, { error: 'at most 50 entries' });

/** Refers to an NLB: its name, and the provider's id when known. */
export const nlbIIDSchema = z.strictObject({ nameId: nlbNameSchema, systemId: systemIdSchema.optional() });
/** Refers to a VM or VPC. */
export const resourceIIDSchema = z.strictObject({
  nameId: resourceNameSchema,
  systemId: systemIdSchema.optional(),
});
/** A VM in a group, with an optional weight. */
export const vmMemberSchema = z.strictObject({
  nameId: resourceNameSchema,
  systemId: systemIdSchema.optional(),
  weight: z
    .number({ error: 'must be a number' })
    .int({ error: 'must be a whole number' })
    .min(1, { error: 'must be 1-100' })
    .max(100, { error: 'must be 1-100' })
    .optional(),
});

/** A list of VMs: no duplicates (by nameId), at most {@link MAX_VMS_PER_REQUEST}. */
export const vmListSchema = z
  .array(vmMemberSchema)
  .max(MAX_VMS_PER_REQUEST, { error: `at most ${MAX_VMS_PER_REQUEST} VMs` })
  .superRefine((vms, ctx) => {
    const seen = new Set<string>();
    vms.forEach((vm, i) => {
      if (seen.has(vm.nameId)) {
        ctx.addIssue({
          code: 'custom',
          path: [i, 'nameId'],
          message: `duplicate VM ${quoteInput(vm.nameId)}`,
        });
      }
      seen.add(vm.nameId);
    });
  });
/** A non-empty list of VMs, for addVMs and removeVMs. */
export const vmChangeListSchema = vmListSchema.refine((vms) => vms.length > 0, {
  error: 'must name at least one VM',
});

export const listenerSchema = z.strictObject({
  protocol: z.enum(['TCP', 'UDP']),
  ip: ipAddressSchema.optional(),
  port: portSchema,
  /** Accepted so a returned listener can be passed back; ignored on input. */
  dnsName: z.string().max(255).optional(),
  cspId: systemIdSchema.optional(),
  keyValueList: keyValueListSchema.optional(),
  addressFamily: z.enum(['IPV4', 'IPV6', 'DUAL_STACK']).optional(),
  /** Output only, accepted so a returned listener can be passed back; ignored on input. */
  ipv6: ipAddressSchema.optional(),
});

export const vmGroupSchema = z.strictObject({
  protocol: z.enum(['TCP', 'UDP', 'HTTP', 'HTTPS']),
  port: portSchema,
  vms: vmListSchema,
  algorithm: z.enum(['ROUND_ROBIN', 'SOURCE_HASH', 'MAGLEV']).optional(),
  hashFields: z.enum(['SOURCE_IP', 'SOURCE_IP_PORT', 'FIVE_TUPLE']).optional(),
  cspId: systemIdSchema.optional(),
  keyValueList: keyValueListSchema.optional(),
  // Connection draining (extension); each driver's range is in its capabilities.
  drainTimeoutSec: z
    .number({ error: 'must be a number of seconds' })
    .int({ error: 'must be a whole number of seconds' })
    .min(0, { error: 'must be 0-3600' })
    .max(3600, { error: 'must be 0-3600' })
    .optional(),
  // Forwarding mode (extension, issue 21); which a driver offers is in its capabilities.
  forwarding: z.enum(['nat', 'dsr', 'tunnel']).optional(),
});

export const healthCheckerSchema = z
  .strictObject({
    protocol: z.enum(['TCP', 'HTTP', 'HTTPS', 'UDP']),
    port: portSchema.optional(),
    interval: seconds(3600).optional(),
    timeout: seconds(3600).optional(),
    threshold: count.optional(),
    healthyThreshold: count.optional(),
    unhealthyThreshold: count.optional(),
    httpPath: patterned(HTTP_PATH_PATTERN, "a path starting with '/' of URL-safe characters").optional(),
    expectedCodes: patterned(EXPECTED_CODES_PATTERN, 'status codes like "200", "200-299" or "200,204"')
      .refine(codesAreOrdered, { error: 'each range must go from low to high' })
      .optional(),
    keyValueList: keyValueListSchema.optional(),
  })
  .superRefine((hc, ctx) => {
    if (hc.interval !== undefined && hc.timeout !== undefined && hc.timeout > hc.interval) {
      ctx.addIssue({ code: 'custom', path: ['timeout'], message: 'must not exceed interval' });
    }
    const http = hc.protocol === 'HTTP' || hc.protocol === 'HTTPS';
    if (!http && hc.httpPath !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['httpPath'], message: 'is only for HTTP and HTTPS checks' });
    }
    if (!http && hc.expectedCodes !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['expectedCodes'], message: 'is only for HTTP and HTTPS checks' });
    }
  });

function codesAreOrdered(codes: string): boolean {
  return codes.split(',').every((part) => {
    const [lo, hi] = part.split('-').map(Number);
    return hi === undefined || (lo as number) <= hi;
  });
}

export const createRequestSchema = z.strictObject({
  iid: nlbIIDSchema,
  vpcIID: resourceIIDSchema.optional(),
  type: z.enum(['PUBLIC', 'INTERNAL']).optional(),
  scope: z.enum(['REGION', 'GLOBAL']).optional(),
  listener: listenerSchema,
  vmGroup: vmGroupSchema,
  healthChecker: healthCheckerSchema,
  tagList: keyValueListSchema.optional(),
  keyValueList: keyValueListSchema.optional(),
});

/** The validated create request (addresses canonical). */
export type ValidCreateRequest = z.output<typeof createRequestSchema>;
/**
 * A validated listener (address canonical), as backends receive it.
 *
 * @example
 * const listener: ValidListener = { protocol: 'TCP', port: 80, ip: '192.0.2.10' };
 */
export type ValidListener = z.output<typeof listenerSchema>;
export type ValidVMGroup = z.output<typeof vmGroupSchema>;
export type ValidHealthChecker = z.output<typeof healthCheckerSchema>;
/**
 * A validated VM of a group, as backends receive it.
 *
 * @example
 * const vm: ValidVMMember = { nameId: 'web1', weight: 2 };
 */
export type ValidVMMember = z.output<typeof vmMemberSchema>;
export type ValidNLBIID = z.output<typeof nlbIIDSchema>;

/** The most unknown fields one object's violations name one by one; the rest are counted. */
export const MAX_UNKNOWN_FIELDS_NAMED = 10;

/** One violation per unknown field (path `listener.bogus`), at most {@link MAX_UNKNOWN_FIELDS_NAMED}. */
function unknownFields(at: string, keys: readonly string[]): Violation[] {
  const named = keys.slice(0, MAX_UNKNOWN_FIELDS_NAMED).map((key) => ({
    path: joinPath(at, key),
    message: 'is not a known field',
    code: 'INVALID_ARGUMENT' as const,
  }));
  const more = keys.length - named.length;
  if (more > 0)
    named.push({ path: at, message: `and ${more} more unknown field(s)`, code: 'INVALID_ARGUMENT' });
  return named;
}

/**
 * Turns zod issues into violations with dotted paths (`vmGroup.vms[2].nameId`); every caller-chosen key
 * in a path is quoted (see {@link joinPath}), and each unknown field is named in its own violation.
 */
export function toViolations(error: z.ZodError, root = ''): Violation[] {
  return error.issues.flatMap((issue) => {
    const path = issue.path.reduce<string>(joinPath, root);
    if (issue.code === 'unrecognized_keys') return unknownFields(path, issue.keys);
    const values = (issue as { values?: unknown[] }).values;
    const allowed = Array.isArray(values) ? values.map(String).join('|') : undefined;
    const message =
      issue.code === 'invalid_value' && allowed ? 'is not one of the allowed values' : issue.message;
    return [{ path, message, allowed, code: 'INVALID_ARGUMENT' as const }];
  });
}

/**
 * Validates `input` with `schema`, returning the parsed value or throwing an INVALID_ARGUMENT NLBError
 * that names every field in error. `root` prefixes the paths (e.g. `listener`). The input is first read
 * once into plain data (see {@link readInput}): a getter or Proxy that throws is INVALID_ARGUMENT too.
 */
export function parseInput<S extends z.ZodType>(
  schema: S,
  input: unknown,
  ctx: { driver: string; operation: string; root?: string },
): z.output<S> {
  const read = readInput(input, ctx.root);
  if (!read.ok) throw violationsError(ctx.driver, ctx.operation, [read.violation]) as NLBError;
  const result = schema.safeParse(read.value);
  if (result.success) return result.data;
  throw violationsError(ctx.driver, ctx.operation, toViolations(result.error, ctx.root)) as NLBError;
}
