/**
 * Conversion between CB-Spider's NLB shapes and the library's. Inputs are already checked by
 * spider-schemas.ts; the library validates them again against the driver's capabilities.
 */
import type {
  HealthCheckerInfo,
  HealthInfo,
  IID,
  KeyValue,
  ListenerProtocol,
  NLBCreateRequest,
  NLBInfo,
  NLBScope,
  NLBType,
  VMGroupProtocol,
} from '../../interfaces/types.js';
import type {
  SpiderCreateBody,
  SpiderHealthAnswer,
  SpiderHealthCheckerRequest,
  SpiderNLBInfo,
} from './spider-schemas.js';

/** "default", "" and "-1" mean the driver's default (NLBRest.go convertHealthCheckerInfo). */
function healthNumber(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const t = text.toLowerCase();
  return t === 'default' || t === '' || t === '-1' ? undefined : Number(text);
}

/** A checked port string, or undefined for "" / absent. */
const port = (text: string | undefined) => (text === undefined || text === '' ? undefined : Number(text));

/** CB-Spider's health checker request as the library's; unset values take the driver's defaults. */
export function toHealthChecker(hc: SpiderHealthCheckerRequest): HealthCheckerInfo {
  return {
    protocol: hc.Protocol.toUpperCase() as HealthCheckerInfo['protocol'],
    port: port(hc.Port),
    interval: healthNumber(hc.Interval),
    timeout: healthNumber(hc.Timeout),
    threshold: healthNumber(hc.Threshold),
  };
}

/**
 * A create body as the library's request. A missing VM group, or a missing field of it, takes the
 * listener's protocol and port (NLBRest.go CreateNLB: "VMGroup is optional").
 */
export function toCreateRequest(info: SpiderCreateBody['ReqInfo']): NLBCreateRequest {
  const group = info.VMGroup ?? {};
  const upper = <T extends string>(v: string | undefined) => (v ? (v.toUpperCase() as T) : undefined);
  return {
    iid: { nameId: info.Name },
    vpcIID: info.VPCName ? { nameId: info.VPCName } : undefined,
    type: upper<NLBType>(info.Type),
    scope: upper<NLBScope>(info.Scope),
    listener: {
      protocol: info.Listener.Protocol.toUpperCase() as ListenerProtocol,
      port: Number(info.Listener.Port),
    },
    vmGroup: {
      protocol:
        upper<VMGroupProtocol>(group.Protocol) ?? (info.Listener.Protocol.toUpperCase() as VMGroupProtocol),
      port: port(group.Port) ?? Number(info.Listener.Port),
      vms: (group.VMs ?? []).map((nameId) => ({ nameId })),
    },
    healthChecker: toHealthChecker(info.HealthChecker),
    tagList: info.TagList?.map((t) => ({ key: t.Key, value: t.Value ?? '' })),
  };
}

const toIID = (iid: IID) => ({ NameId: iid.nameId, SystemId: iid.systemId ?? '' });
/** Go's `omitempty`: an empty or absent list is left out. */
const keyValues = (list: KeyValue[] | undefined) =>
  list && list.length > 0 ? { KeyValueList: list.map((kv) => ({ Key: kv.key, Value: kv.value })) } : {};
const cspId = (id: string | undefined) => (id ? { CspID: id } : {});

/** An NLB as CB-Spider answers it: string ports, integer health values, the user's VM names. */
export function toSpiderNLB(nlb: NLBInfo): SpiderNLBInfo {
  const hc = nlb.healthChecker;
  return {
    IId: toIID(nlb.iid),
    VpcIID: toIID(nlb.vpcIID),
    Type: nlb.type,
    Scope: nlb.scope,
    Listener: {
      Protocol: nlb.listener.protocol,
      IP: nlb.listener.ip ?? '',
      Port: String(nlb.listener.port),
      DNSName: nlb.listener.dnsName ?? '',
      ...cspId(nlb.listener.cspId),
      ...keyValues(nlb.listener.keyValueList),
    },
    VMGroup: {
      Protocol: nlb.vmGroup.protocol,
      Port: String(nlb.vmGroup.port),
      VMs: nlb.vmGroup.vms.map(toIID),
      ...cspId(nlb.vmGroup.cspId),
      ...keyValues(nlb.vmGroup.keyValueList),
    },
    HealthChecker: {
      Protocol: hc.protocol,
      Port: String(hc.port ?? nlb.vmGroup.port),
      Interval: hc.interval,
      Timeout: hc.timeout,
      Threshold: hc.threshold,
      ...keyValues(hc.keyValueList),
    },
    CreatedTime: nlb.createdTime.toISOString(),
    ...(nlb.tagList.length > 0 ? { TagList: nlb.tagList.map((t) => ({ Key: t.key, Value: t.value })) } : {}),
    ...keyValues(nlb.keyValueList),
  };
}

/**
 * `{"healthinfo":{...}}`. CB-Spider has two lists; a VM the driver has not measured yet is in
 * `AllVMs` and nlbkit's added `UnknownVMs`, never reported healthy or unhealthy on a guess.
 */
export function toSpiderHealth(health: HealthInfo): SpiderHealthAnswer {
  return {
    healthinfo: {
      AllVMs: health.allVMs.map(toIID),
      HealthyVMs: health.healthyVMs.map(toIID),
      UnHealthyVMs: health.unhealthyVMs.map(toIID),
      UnknownVMs: health.unknownVMs.map(toIID),
    },
  };
}

/** CB-Spider's boolean answer (CommonRest.go BooleanInfo): `{"Result":"true"}`. */
export const toSpiderResult = (ok: boolean) => ({ Result: ok ? 'true' : 'false' });

export { toIID as toSpiderIID };
