/**
 * Schemas for what the store reads back from disk. A file store's content may have been edited by
 * hand or written by another version; everything an agent feeds to nft or ip is checked here again.
 */
import { z } from 'zod';
import { NLBError } from '../../interfaces/errors.js';
import {
  EXPECTED_CODES_PATTERN,
  HTTP_PATH_PATTERN,
  NLB_NAME_PATTERN,
  parseAddress,
  RESOURCE_NAME_PATTERN,
} from '../../interfaces/schemas.js';

const port = z.number().int().min(1).max(65535);
const isoTime = z.string().max(40);
const canonicalAddress = z
  .string()
  .refine((s) => parseAddress(s)?.address === s, { error: 'must be a canonical IP address' });
const vmName = z.string().regex(RESOURCE_NAME_PATTERN);
const nlbName = z.string().regex(NLB_NAME_PATTERN);
/** Node names end up in file names and messages: keep them plain. */
export const NODE_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

/** Throws INVALID_ARGUMENT unless `node` is a plain node name (every store checks before writing). */
export function checkNodeName(node: string): void {
  if (!NODE_NAME_PATTERN.test(node))
    throw new NLBError({
      code: 'INVALID_ARGUMENT',
      driver: 'native',
      operation: 'store',
      message: `node name '${node}' must be 1-63 letters, digits, '.', '_' or '-'`,
    });
}

const desiredServiceSchema = z
  .strictObject({
    vip: canonicalAddress,
    family: z.union([z.literal(4), z.literal(6)]),
    protocol: z.enum(['TCP', 'UDP']),
    port,
    backendPort: port,
    algorithm: z.enum(['ROUND_ROBIN', 'SOURCE_HASH', 'MAGLEV']),
    hashFields: z.enum(['SOURCE_IP', 'SOURCE_IP_PORT', 'FIVE_TUPLE']),
    snat: z.boolean(),
    forwarding: z.enum(['nat', 'dsr', 'tunnel']).optional(),
    hashSeed: z.number().int().min(0).max(0xffffffff),
    maglevTableSize: z.number().int().min(2).max(1_000_003),
    backends: z.array(
      z.strictObject({ id: vmName, address: canonicalAddress, weight: z.number().int().min(1).max(100) }),
    ),
    health: z.strictObject({
      protocol: z.enum(['TCP', 'HTTP', 'HTTPS', 'UDP']),
      port,
      interval: z.number().int().min(1).max(86400),
      timeout: z.number().int().min(1).max(86400),
      rise: z.number().int().min(1).max(100),
      fall: z.number().int().min(1).max(100),
      httpPath: z.string().regex(HTTP_PATH_PATTERN).optional(),
      expectedCodes: z.string().regex(EXPECTED_CODES_PATTERN).optional(),
    }),
    draining: z
      .array(
        z.strictObject({
          id: vmName,
          address: canonicalAddress,
          port,
          until: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
        }),
      )
      .optional(),
  })
  .refine(
    (s) =>
      parseAddress(s.vip)?.family === s.family &&
      s.backends.every((b) => parseAddress(b.address)?.family === s.family) &&
      (s.draining ?? []).every((b) => parseAddress(b.address)?.family === s.family),
    { error: 'the VIP and every backend address must be of the service family' },
  );

/** One NLB record as stored. The driver's view (`nlb`) is checked only for its identity. */
export const nlbRecordSchema = z
  .strictObject({
    name: nlbName,
    nlb: z.looseObject({ iid: z.looseObject({ nameId: nlbName }), createdTime: isoTime }),
    service: desiredServiceSchema,
  })
  .refine((r) => r.nlb.iid.nameId === r.name, { error: 'nlb.iid.nameId must equal name' });

const isPlainObject = (v: unknown): v is object => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Like `z.record`, but keeps every own key JSON.parse made (`__proto__` too, which `z.record` drops
 * without a word) in a null-prototype object, so a key like `constructor` never meets a prototype's.
 */
function ownRecord<V extends z.ZodType>(key: z.ZodType<string>, value: V) {
  return z
    .custom<object>(isPlainObject, { error: 'must be an object' })
    .transform((obj, ctx): Record<string, z.output<V>> => {
      const out: Record<string, z.output<V>> = Object.create(null);
      for (const [k, v] of Object.entries(obj)) {
        if (!key.safeParse(k).success) {
          ctx.addIssue({
            code: 'custom',
            message: `${JSON.stringify(k.slice(0, 80))} is not a valid key`,
            path: [k],
          });
          return z.NEVER;
        }
        const parsed = value.safeParse(v);
        if (!parsed.success) {
          for (const issue of parsed.error.issues)
            ctx.addIssue({ code: 'custom', message: issue.message, path: [k, ...issue.path] });
          return z.NEVER;
        }
        out[k] = parsed.data;
      }
      return out;
    });
}

const storedRecordSchema = z.strictObject({ revision: z.number().int().min(1), record: nlbRecordSchema });

/** The whole NLB state: one JSON document, replaced atomically. Records by name, null-prototype. */
export const stateDocumentSchema = z
  .strictObject({
    format: z.literal(1),
    revision: z.number().int().min(0),
    records: ownRecord(nlbName, storedRecordSchema),
  })
  .refine((d) => Object.entries(d.records).every(([name, r]) => r.record.name === name), {
    error: 'every record must be stored under its own name',
  });

const healthReportSchema = z.strictObject({
  state: z.enum(['HEALTHY', 'UNHEALTHY', 'UNKNOWN']),
  reason: z.string().max(1000).optional(),
  lastChange: isoTime.optional(),
  lastCheck: isoTime.optional(),
});

/** One agent's report. */
const announceStateSchema = z.strictObject({
  mode: z.enum(['none', 'l2', 'bgp']),
  announced: z.array(canonicalAddress),
  owners: z.record(canonicalAddress, z.string().regex(NODE_NAME_PATTERN)).optional(),
  sessions: z
    .array(
      z.strictObject({
        name: z.string().max(200),
        state: z.string().max(200),
        info: z.string().max(1000).optional(),
      }),
    )
    .optional(),
  error: z.string().max(4000).optional(),
});

export const nodeReportSchema = z.strictObject({
  node: z.string().regex(NODE_NAME_PATTERN),
  appliedRevision: z.number().int().min(0),
  attemptedRevision: z.number().int().min(0),
  error: z.string().max(4000).optional(),
  updatedAt: isoTime,
  vips: z.array(canonicalAddress),
  health: ownRecord(nlbName, ownRecord(vmName, healthReportSchema)),
  announce: announceStateSchema.optional(),
});
