/**
 * zod schemas of CB-Spider's NLB request bodies and answers, as its REST runtime declares them
 * (cloud-barista/cb-spider api-runtime/rest-runtime/NLBRest.go: NLBCreateRequest, NLBVMGroupRequest,
 * NLBHealthCheckerRequest, NLBAddVMsRequest, NLBChangeListenerRequest, ...; answers are the driver
 * structs of cloud-control-manager/cloud-driver/interfaces/resources/NLBHandler.go with their json
 * tags). Ports are strings; health numbers are strings in requests and integers in answers.
 *
 * Requests are checked here before any driver call; names use the library's own patterns, so a name
 * that could not reach a driver is refused at the edge. Unknown fields are refused (a typo is an
 * error), which CB-Spider's Go binding would silently drop.
 */
import { z } from 'zod';
import {
  MAX_VMS_PER_REQUEST,
  nlbNameSchema,
  resourceNameSchema,
  systemIdSchema,
  TAG_KEY_PATTERN,
  TAG_VALUE_PATTERN,
} from '../../interfaces/schemas.js';

/** A connection name from the server's connections file (checked against it, never used as a path). */
export const connectionNameSchema = z
  .string({ error: 'must be a string (a connection name)' })
  .min(1, { error: 'must not be empty' })
  .max(128, { error: 'must be at most 128 characters' });

/** A protocol in any case, as CB-Spider upper-cases it (NLBManager.go transformArgsToUpper). */
const protocolSchema = (values: readonly string[]) =>
  z
    .string({ error: `must be a string (${values.join('|')})` })
    .max(16, { error: `must be one of ${values.join('|')}` })
    .refine((v) => values.includes(v.toUpperCase()), { error: `must be one of ${values.join('|')}` });

/** A port as CB-Spider writes it: a string of digits, 1-65535. */
export const spiderPortSchema = z
  .string({ error: 'must be a string of digits, e.g. "80"' })
  .regex(/^[0-9]{1,5}$/, { error: 'must be a string of digits, e.g. "80"' })
  .refine((p) => Number(p) >= 1 && Number(p) <= 65535, { error: 'must be 1-65535' });

/**
 * A health-check number as CB-Spider reads it (NLBRest.go convertHealthCheckerInfo): "default", ""
 * or "-1" (any case) for the default, else a whole number.
 */
export const healthNumberSchema = z
  .string({ error: 'must be a string: "default", "", "-1" or a whole number' })
  .regex(/^(?:default|-1|[0-9]{1,5}|)$/i, { error: 'must be "default", "", "-1" or a whole number' });

const optionalUpper = (values: readonly string[]) =>
  z.union([z.literal(''), protocolSchema(values)]).optional();

const keyValueSchema = z.strictObject({
  Key: z.string().regex(TAG_KEY_PATTERN, { error: 'must be 1-128 printable characters without quotes' }),
  Value: z
    .string()
    .regex(TAG_VALUE_PATTERN, { error: 'must be 0-256 printable characters without quotes' })
    .optional(),
});

const vmNamesSchema = z
  .array(resourceNameSchema)
  .max(MAX_VMS_PER_REQUEST, { error: `at most ${MAX_VMS_PER_REQUEST} VMs` });

/** `ReqInfo.HealthChecker` of a create, and `ReqInfo` of a health-checker change. */
export const spiderHealthCheckerRequestSchema = z.strictObject({
  Protocol: protocolSchema(['TCP', 'HTTP', 'HTTPS', 'UDP']),
  /** "" or absent: the VM group's port. */
  Port: z.union([z.literal(''), spiderPortSchema]).optional(),
  Interval: healthNumberSchema.optional(),
  Timeout: healthNumberSchema.optional(),
  Threshold: healthNumberSchema.optional(),
});

const connectionField = { ConnectionName: connectionNameSchema.optional() };

/** Body of `POST /spider/nlb` (NLBRest.go NLBCreateRequest). */
export const spiderCreateBodySchema = z.strictObject({
  ...connectionField,
  /** Accepted for compatibility and ignored: nlbkit keeps the user's names itself. */
  IDTransformMode: z.string().max(8).optional(),
  ReqInfo: z.strictObject({
    Name: nlbNameSchema,
    /** Required by CB-Spider; optional here (the mock and native drivers need no VPC). */
    VPCName: z.union([z.literal(''), resourceNameSchema]).optional(),
    Type: optionalUpper(['PUBLIC', 'INTERNAL']),
    Scope: optionalUpper(['REGION', 'GLOBAL']),
    Listener: z.strictObject({ Protocol: protocolSchema(['TCP', 'UDP']), Port: spiderPortSchema }),
    /** Optional (CB-Spider #1200): then the listener's protocol and port, with no VMs. */
    VMGroup: z
      .strictObject({
        Protocol: optionalUpper(['TCP', 'UDP', 'HTTP', 'HTTPS']),
        Port: z.union([z.literal(''), spiderPortSchema]).optional(),
        VMs: vmNamesSchema.optional(),
      })
      .optional(),
    HealthChecker: spiderHealthCheckerRequestSchema,
    TagList: z.array(keyValueSchema).max(50, { error: 'at most 50 tags' }).optional(),
  }),
});

/** Body of `PUT /spider/nlb/{Name}/listener` and `.../vmgroup` (NLBChangeListenerRequest, NLBChangeVMGroupRequest). */
export const spiderListenerChangeBodySchema = z.strictObject({
  ...connectionField,
  ReqInfo: z.strictObject({ Protocol: protocolSchema(['TCP', 'UDP']), Port: spiderPortSchema }),
});
export const spiderVMGroupChangeBodySchema = z.strictObject({
  ...connectionField,
  ReqInfo: z.strictObject({
    Protocol: protocolSchema(['TCP', 'UDP', 'HTTP', 'HTTPS']),
    Port: spiderPortSchema,
  }),
});

/** Body of `PUT /spider/nlb/{Name}/healthchecker` (NLBChangeHealthCheckerRequest). */
export const spiderHealthCheckerChangeBodySchema = z.strictObject({
  ...connectionField,
  ReqInfo: spiderHealthCheckerRequestSchema,
});

/**
 * Body of `POST` and `DELETE /spider/nlb/{Name}/vms` (NLBAddVMsRequest, NLBRemoveVMsRequest).
 * `Protocol` and `Port` are accepted and ignored: CB-Tumblebug sends its VM-group struct here
 * (cb-tumblebug src/core/model/nlb.go SpiderNLBAddRemoveVMReqInfoWrapper).
 */
export const spiderVMsBodySchema = z.strictObject({
  ...connectionField,
  ReqInfo: z.strictObject({
    Protocol: z.string().max(16).optional(),
    Port: z.string().max(16).optional(),
    VMs: vmNamesSchema.min(1, { error: 'must name at least one VM' }),
  }),
});

/** Body of `POST /spider/getnlbowner` (NLBGetOwnerVPCRequest). */
export const spiderOwnerBodySchema = z.strictObject({
  ...connectionField,
  ReqInfo: z.strictObject({ CSPId: systemIdSchema }),
});

/**
 * `POST /spider/regnlb` (NLBRest.go NLBRegisterRequest): the name to manage it under, the provider's
 * id of the load balancer, and the VPC CB-Spider files it under (checked as a name; nlbkit reads the
 * VPC from the cloud).
 */
export const spiderRegisterBodySchema = z.strictObject({
  ...connectionField,
  ReqInfo: z.strictObject({ VPCName: resourceNameSchema, Name: nlbNameSchema, CSPId: systemIdSchema }),
});

/** A body that carries only the connection (CommonRest.go ConnectionRequest), for DELETEs. */
export const spiderConnectionBodySchema = z.strictObject(connectionField);

/**
 * The body of a read (GET): the connection; anything else is ignored, as CB-Spider ignores it.
 * CB-Tumblebug sends a whole create body with `GET /spider/nlb/{Name}` when it adopts an NLB
 * (cb-tumblebug src/core/infra/loadbalance.go, option "register"). Reads change nothing, so the
 * typo protection of the other bodies is not needed here.
 */
export const spiderReadBodySchema = z.object(connectionField);

/**
 * Query of every route: the connection, when the body does not carry it. Other parameters are
 * ignored, as CB-Spider ignores them (a client's cache-buster must not fail a request).
 */
export const spiderQuerySchema = z.object(connectionField);
/** Query of `DELETE /spider/nlb/{Name}`: `force` is accepted and changes nothing (nlbkit's delete is re-runnable). */
export const spiderDeleteQuerySchema = z.object({
  ...connectionField,
  force: z.enum(['true', 'false', ''], { error: 'must be true or false' }).optional(),
});

/**
 * Every field name of the requests above. CB-Spider decodes JSON with Go's encoding/json, which
 * matches names case-insensitively; CB-Tumblebug relies on it (it sends `"protocol"`, `"port"`,
 * `"interval"`: src/core/model/nlb.go NLBListenerReq, SpiderNLBHealthCheckerReq).
 */
export const SPIDER_FIELD_NAMES = [
  'ConnectionName',
  'IDTransformMode',
  'ReqInfo',
  'Name',
  'VPCName',
  'Type',
  'Scope',
  'Listener',
  'VMGroup',
  'HealthChecker',
  'TagList',
  'Key',
  'Value',
  'Protocol',
  'Port',
  'VMs',
  'Interval',
  'Timeout',
  'Threshold',
  'CSPId',
] as const;

// ---- Answers (for /openapi.json and for tests that hold answers to CB-Spider's shapes)

const iid = z.strictObject({ NameId: z.string(), SystemId: z.string() });
const kv = z.strictObject({ Key: z.string(), Value: z.string().optional() });

/** NLBInfo as CB-Spider answers it (NLBHandler.go json tags; omitempty fields optional). */
export const spiderNLBInfoSchema = z.strictObject({
  IId: iid,
  VpcIID: iid,
  Type: z.string(),
  Scope: z.string(),
  Listener: z.strictObject({
    Protocol: z.string(),
    IP: z.string(),
    Port: z.string(),
    DNSName: z.string(),
    CspID: z.string().optional(),
    KeyValueList: z.array(kv).optional(),
  }),
  VMGroup: z.strictObject({
    Protocol: z.string(),
    Port: z.string(),
    VMs: z.array(iid),
    CspID: z.string().optional(),
    KeyValueList: z.array(kv).optional(),
  }),
  HealthChecker: z.strictObject({
    Protocol: z.string(),
    Port: z.string(),
    Interval: z.number().int(),
    Timeout: z.number().int(),
    Threshold: z.number().int(),
    CspID: z.string().optional(),
    KeyValueList: z.array(kv).optional(),
  }),
  CreatedTime: z.string(),
  TagList: z.array(kv).optional(),
  KeyValueList: z.array(kv).optional(),
});

export const spiderListAnswerSchema = z.strictObject({ nlb: z.array(spiderNLBInfoSchema) });
export const spiderResultAnswerSchema = z.strictObject({ Result: z.enum(['true', 'false']) });
export const spiderCountAnswerSchema = z.strictObject({ count: z.number().int() });
/** `{"healthinfo":{...}}`; `UnknownVMs` is nlbkit's addition (VMs not yet measured; in AllVMs only). */
export const spiderHealthAnswerSchema = z.strictObject({
  healthinfo: z.strictObject({
    AllVMs: z.array(iid),
    HealthyVMs: z.array(iid),
    UnHealthyVMs: z.array(iid),
    UnknownVMs: z.array(iid),
  }),
});
/** CommonRest.go AllResourceListResponse. */
export const spiderAllListAnswerSchema = z.strictObject({
  AllList: z.strictObject({
    MappedList: z.array(iid),
    OnlySpiderList: z.array(iid),
    OnlyCSPList: z.array(iid),
  }),
});
/** CommonRest.go AllResourceInfoListResponse. */
export const spiderAllInfoAnswerSchema = z.strictObject({
  ResourceType: z.literal('nlb'),
  AllListInfo: z.strictObject({
    MappedInfoList: z.array(spiderNLBInfoSchema),
    OnlySpiderList: z.array(iid),
    OnlyCSPInfoList: z.array(spiderNLBInfoSchema),
  }),
});
export const spiderIIDAnswerSchema = iid;
/** CB-Spider's error body (CBSpiderRuntime.go SimpleMsg); with real status codes nlbkit adds its code. */
export const spiderErrorAnswerSchema = z.object({
  message: z.string(),
  code: z.string().optional(),
  retryable: z.boolean().optional(),
  violations: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});

export type SpiderCreateBody = z.output<typeof spiderCreateBodySchema>;
export type SpiderHealthCheckerRequest = z.output<typeof spiderHealthCheckerRequestSchema>;
export type SpiderNLBInfo = z.output<typeof spiderNLBInfoSchema>;
export type SpiderHealthAnswer = z.output<typeof spiderHealthAnswerSchema>;
