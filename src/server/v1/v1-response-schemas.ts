/**
 * The answers of the `/v1` API as zod schemas, for `/openapi.json`. They describe the library's own
 * types (NLBInfo, HealthInfo, DriverCapabilities); each is checked against its TypeScript type, so a
 * change to a type that is not made here fails to compile.
 */
import { z } from 'zod';
import type { DriverCapabilities } from '../../interfaces/capabilities.js';
import type { HealthInfo, IID, NLBInfo } from '../../interfaces/types.js';

const iid = z.object({ nameId: z.string(), systemId: z.string().optional() });
const keyValues = z.array(z.object({ key: z.string(), value: z.string() }));
const healthProtocol = z.enum(['TCP', 'HTTP', 'HTTPS', 'UDP']);
const range = z.object({ min: z.number(), max: z.number() }).nullable();

/** An NLB as drivers return it (`createdTime` as an ISO 8601 string). */
export const nlbInfoSchema = z.object({
  iid,
  vpcIID: iid,
  type: z.enum(['PUBLIC', 'INTERNAL']),
  scope: z.enum(['REGION', 'GLOBAL']),
  listener: z.object({
    protocol: z.enum(['TCP', 'UDP']),
    ip: z.string().optional(),
    port: z.number(),
    dnsName: z.string().optional(),
    cspId: z.string().optional(),
    keyValueList: keyValues.optional(),
  }),
  vmGroup: z.object({
    protocol: z.enum(['TCP', 'UDP', 'HTTP', 'HTTPS']),
    port: z.number(),
    vms: z.array(iid.extend({ weight: z.number().optional() })),
    algorithm: z.enum(['ROUND_ROBIN', 'SOURCE_HASH', 'MAGLEV']),
    hashFields: z.enum(['SOURCE_IP', 'SOURCE_IP_PORT', 'FIVE_TUPLE']).optional(),
    cspId: z.string().optional(),
    keyValueList: keyValues.optional(),
  }),
  healthChecker: z.object({
    protocol: healthProtocol,
    port: z.number().optional(),
    interval: z.number(),
    timeout: z.number(),
    threshold: z.number(),
    healthyThreshold: z.number(),
    unhealthyThreshold: z.number(),
    httpPath: z.string().optional(),
    expectedCodes: z.string().optional(),
    keyValueList: keyValues.optional(),
  }),
  createdTime: z.iso.datetime(),
  tagList: keyValues,
  keyValueList: keyValues,
});

/** A VM group's health. */
export const healthInfoSchema = z.object({
  allVMs: z.array(iid),
  healthyVMs: z.array(iid),
  unhealthyVMs: z.array(iid),
  unknownVMs: z.array(iid),
  details: z.array(
    z.object({
      vm: iid,
      state: z.enum(['HEALTHY', 'UNHEALTHY', 'UNKNOWN']),
      reason: z.string().optional(),
      providerState: z.string().optional(),
      lastChange: z.iso.datetime().optional(),
      lastCheck: z.iso.datetime().optional(),
    }),
  ),
});

/** What a connection's driver supports (DriverCapabilities). */
export const capabilitiesSchema = z.object({
  driver: z.string(),
  types: z.array(z.enum(['PUBLIC', 'INTERNAL'])),
  scopes: z.array(z.enum(['REGION', 'GLOBAL'])),
  listenerProtocols: z.array(z.enum(['TCP', 'UDP'])),
  vmGroupProtocols: z.array(z.enum(['TCP', 'UDP', 'HTTP', 'HTTPS'])),
  sameProtocolRequired: z.boolean(),
  samePortRequired: z.boolean().optional(),
  listenerIP: z.boolean(),
  vpcRequired: z.boolean(),
  algorithms: z.array(z.enum(['ROUND_ROBIN', 'SOURCE_HASH', 'MAGLEV'])),
  hashFields: z.array(z.enum(['SOURCE_IP', 'SOURCE_IP_PORT', 'FIVE_TUPLE'])).optional(),
  maxNameLength: z.number().optional(),
  namePattern: z.object({ pattern: z.string(), text: z.string() }).optional(),
  reservedNamePrefixes: z.array(z.string()).optional(),
  weights: z.boolean(),
  maxVMs: z.number(),
  healthCheck: z.object({
    protocols: z.array(healthProtocol),
    protocolsForUdpGroup: z.array(healthProtocol).optional(),
    interval: range,
    timeout: range,
    healthyThreshold: range,
    unhealthyThreshold: range,
    separateThresholds: z.boolean(),
    timeoutBelowInterval: z.boolean().optional(),
    customPort: z.boolean(),
    httpOptions: z.boolean(),
    fixedExpectedCodes: z.string().optional(),
    minIntervalFor: z.partialRecord(healthProtocol, z.number()).optional(),
    defaults: z.object({
      interval: z.number(),
      timeout: z.number(),
      healthyThreshold: z.number(),
      unhealthyThreshold: z.number(),
    }),
  }),
  changes: z.object({
    listenerProtocol: z.boolean(),
    listenerPort: z.boolean(),
    listenerIP: z.boolean(),
    vmGroupProtocol: z.boolean(),
    vmGroupPort: z.boolean(),
    algorithm: z.boolean(),
    healthChecker: z.boolean(),
  }),
});

/** The connections a server has. */
export const connectionListSchema = z.array(z.object({ name: z.string(), driver: z.string() }));
/** NLB IIDs (listIID). */
export const iidListSchema = z.array(iid);
/** A list of NLBs (listNLB). */
export const nlbListSchema = z.array(nlbInfoSchema);

// Compile-time: each schema's output (dates as strings on the wire) matches the library's type.
type Wire<T> = T extends Date
  ? string
  : T extends readonly (infer U)[]
    ? Wire<U>[]
    : T extends object
      ? { -readonly [K in keyof T]: Wire<T[K]> }
      : T;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const checks: [
  Same<z.output<typeof nlbInfoSchema>, Wire<NLBInfo>>,
  Same<z.output<typeof healthInfoSchema>, Wire<HealthInfo>>,
  Same<z.output<typeof capabilitiesSchema>, Wire<DriverCapabilities>>,
  Same<z.output<typeof iidListSchema>, IID[]>,
] = [true, true, true, true];
void checks;
