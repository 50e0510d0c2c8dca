/**
 * ELBv2 target actions: RegisterTargets, DeregisterTargets, DescribeTargetHealth. Health is
 * simulated: `initial` until enough describes have seen the target, then `healthy`, unless a test
 * pinned another state; `unused` when no load balancer uses the group or the target's zone is not
 * enabled; `draining` for a configurable number of describes after deregistration.
 */

import { checkTgArn } from './elbv2-target-groups.js';
import { checkRange } from './elbv2-validate.js';
import { AwsFault, missingParam, validationError } from './errors.js';
import type { Params } from './form.js';
import { cidrContains } from './ipv4.js';
import type { Handler } from './protocols.js';
import type { FakeState, Target, TargetGroup } from './state.js';
import type { XmlChild } from './xml.js';

interface TargetRef {
  id: string;
  port: number;
  az?: string;
}

function key(id: string, port: number): string {
  return `${id}:${port}`;
}

function readTargets(params: Params, tg: TargetGroup): TargetRef[] {
  const targets = params.structs('Targets.member').map((t) => {
    const port = t.int('Port') ?? tg.port;
    checkRange('port', port, 1, 65535);
    const az = t.str('AvailabilityZone');
    return { id: t.req('Id'), port, ...(az ? { az } : {}) };
  });
  if (targets.length === 0) throw missingParam('targets');
  return targets;
}

/** Instance targets must exist and sit in the group's VPC; IP targets must be in the VPC block. */
function checkRegistrable(state: FakeState, tg: TargetGroup, targets: TargetRef[]): void {
  if (tg.targetType === 'instance') {
    const unknown = targets.filter((t) => !state.instances.has(t.id)).map((t) => t.id);
    if (unknown.length > 0) {
      throw new AwsFault(
        'InvalidTarget',
        `The following targets are not valid instances: '${unknown.join("', '")}'`,
      );
    }
    const outside = targets.filter((t) => state.instances.get(t.id)!.vpcId !== tg.vpcId).map((t) => t.id);
    if (outside.length > 0) {
      throw new AwsFault(
        'InvalidTarget',
        `The following targets are not in the target group VPC '${tg.vpcId}': '${outside.join("', '")}'`,
      );
    }
    return;
  }
  const cidr = state.vpcs.get(tg.vpcId)?.cidr ?? '';
  for (const t of targets) {
    if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(t.id))
      throw validationError(`The IP address '${t.id}' is not a valid IPv4 address`);
    if (!cidrContains(cidr, t.id)) {
      throw new AwsFault(
        'InvalidTarget',
        `The IP address '${t.id}' is not within the CIDR of VPC '${tg.vpcId}'`,
      );
    }
  }
}

const registerTargets: Handler = ({ state, params }) => {
  const arn = params.req('TargetGroupArn');
  checkTgArn(arn);
  const tg = state.tg(arn);
  const refs = readTargets(params, tg);
  checkRegistrable(state, tg, refs);
  const targets = state.targetsOf(arn);
  for (const ref of refs) {
    const existing = targets.get(key(ref.id, ref.port));
    // Registering again is a no-op, except that it cancels a pending deregistration.
    if (existing && existing.drainingLeft === undefined) continue;
    targets.set(key(ref.id, ref.port), { ...ref, describes: 0 });
  }
  return [];
};

const deregisterTargets: Handler = ({ state, params }) => {
  const arn = params.req('TargetGroupArn');
  checkTgArn(arn);
  const tg = state.tg(arn);
  const refs = readTargets(params, tg);
  const targets = state.targetsOf(arn);
  const missing = refs.filter(
    (r) => targets.get(key(r.id, r.port))?.drainingLeft !== undefined || !targets.has(key(r.id, r.port)),
  );
  if (missing.length > 0) {
    throw new AwsFault(
      'InvalidTarget',
      `The following targets are not registered in target group '${arn}': '${missing.map((m) => m.id).join("', '")}'`,
    );
  }
  const draining = state.settings.drainingDescribes;
  for (const r of refs) {
    const k = key(r.id, r.port);
    if (draining > 0) targets.get(k)!.drainingLeft = draining;
    else targets.delete(k);
  }
  return [];
};

interface Health {
  state: string;
  reason?: string;
  description?: string;
}

/** Computes (and advances) the health one describe reports for a target. */
function observe(state: FakeState, tg: TargetGroup, t: Target): Health {
  if (t.drainingLeft !== undefined) {
    return {
      state: 'draining',
      reason: 'Target.DeregistrationInProgress',
      description: 'Target deregistration is in progress',
    };
  }
  if (t.pinned) return t.pinned;
  const lbs = state
    .lbArnsOf(tg.arn)
    .map((a) => state.loadBalancers.get(a))
    .filter((lb) => lb !== undefined);
  if (lbs.length === 0) {
    return {
      state: 'unused',
      reason: 'Target.NotInUse',
      description: 'Target group is not configured to receive traffic from the load balancer',
    };
  }
  const az = tg.targetType === 'instance' ? state.instances.get(t.id)?.az : undefined;
  if (az && !lbs.some((lb) => lb.subnets.some((s) => s.az === az))) {
    return {
      state: 'unused',
      reason: 'Target.NotInUse',
      description: 'Target is in an Availability Zone that is not enabled for the load balancer',
    };
  }
  t.describes += 1;
  if (t.describes > state.settings.healthyAfterDescribes) return { state: 'healthy' };
  return {
    state: 'initial',
    reason: 'Elb.RegistrationInProgress',
    description: 'Target registration is in progress',
  };
}

function descriptionXml(tg: TargetGroup, ref: TargetRef, health: Health): XmlChild[] {
  return [
    [
      'Target',
      [
        ['Id', ref.id],
        ['Port', ref.port],
        ['AvailabilityZone', ref.az],
      ],
    ],
    ['HealthCheckPort', tg.health.port === 'traffic-port' ? String(ref.port) : tg.health.port],
    [
      'TargetHealth',
      [
        ['State', health.state],
        ['Reason', health.reason],
        ['Description', health.description],
      ],
    ],
  ];
}

const describeTargetHealth: Handler = ({ state, params }) => {
  const arn = params.req('TargetGroupArn');
  checkTgArn(arn);
  const tg = state.tg(arn);
  const targets = state.targetsOf(arn);
  const asked = params.structs('Targets.member').map((t) => ({ id: t.req('Id'), port: t.int('Port') }));
  const rows: XmlChild[] = [];
  const seen = [...targets.values()].filter(
    (t) =>
      asked.length === 0 || asked.some((a) => a.id === t.id && (a.port === undefined || a.port === t.port)),
  );
  for (const t of seen) {
    rows.push(['member', descriptionXml(tg, t, observe(state, tg, t))]);
    if (t.drainingLeft !== undefined) {
      t.drainingLeft -= 1;
      if (t.drainingLeft <= 0) targets.delete(key(t.id, t.port));
    }
  }
  for (const a of asked) {
    if (seen.some((t) => t.id === a.id && (a.port === undefined || a.port === t.port))) continue;
    const notRegistered = {
      state: 'unused',
      reason: 'Target.NotRegistered',
      description: 'Target is not registered to the target group',
    };
    rows.push(['member', descriptionXml(tg, { id: a.id, port: a.port ?? tg.port }, notRegistered)]);
  }
  return [['TargetHealthDescriptions', rows]];
};

/** Handlers keyed by action name. */
export const targetHandlers: Record<string, Handler> = {
  RegisterTargets: registerTargets,
  DeregisterTargets: deregisterTargets,
  DescribeTargetHealth: describeTargetHealth,
};
