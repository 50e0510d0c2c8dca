/**
 * Where the agent's probe namespace sits, from the options that name it: the newer `probe` settings
 * (address, device, gateway, namespace) and the older dsr-only ones (`--dsr-probe-address`, the dsr
 * egress as the device). One namespace, one device, one address: settings that disagree are refused.
 * Pure: options in, probe-path settings (or none) out.
 */
import { NLBError } from '../../interfaces/errors.js';
import { assertNetnsName } from '../executor/netns-executor.js';
import { assertDevice, assertIpv4 } from './dsr-probe-plan.js';

/** The probe settings as a user gives them. */
export interface ProbeSettings {
  /** The probe's own IPv4 address (free; answered directly by the backends). */
  address?: string | undefined;
  /** The device its macvlan sits on. Default: the dsr egress device. */
  device?: string | undefined;
  /** Next hop of the encapsulated tunnel probes. Default: tunnel backends are on the device's link. */
  gateway?: string | undefined;
  /** The probe namespace. Default `nlbkit-probe`. */
  netns?: string | undefined;
}

/** What createDsrProbePath needs besides the executor. */
export interface ResolvedProbe {
  egress: string;
  address: string;
  gateway?: string;
  netns?: string;
}

const invalid = (message: string) =>
  new NLBError({ code: 'INVALID_ARGUMENT', driver: 'native', operation: 'probe', message });

function one(what: string, a: string | undefined, b: string | undefined): string | undefined {
  if (a !== undefined && b !== undefined && a !== b)
    throw invalid(`the probe ${what} is given twice, as '${a.slice(0, 64)}' and '${b.slice(0, 64)}'`);
  return a ?? b;
}

/**
 * The probe namespace's settings: `probe` merged with the older dsr form (`dsrProbe`, whose device is
 * `dsrEgress`). Undefined when no probe address is given (dsr and tunnel backends are then reported
 * DOWN, never checked at their own address).
 *
 * @throws NLBError INVALID_ARGUMENT for a bad value, settings that disagree, or settings without the
 *   address or the device they need.
 */
export function resolveProbe(o: {
  probe?: ProbeSettings | undefined;
  dsrProbe?: { address?: string | undefined; netns?: string | undefined } | undefined;
  dsrEgress?: string | undefined;
}): ResolvedProbe | undefined {
  const address = one('address', o.probe?.address, o.dsrProbe?.address);
  const netns = one('namespace', o.probe?.netns, o.dsrProbe?.netns);
  if (o.probe?.device !== undefined && o.dsrEgress !== undefined && o.probe.device !== o.dsrEgress)
    throw invalid(
      `the probe has one device: it must be the dsr egress '${o.dsrEgress}', not '${o.probe.device.slice(0, 64)}'`,
    );
  const egress = o.probe?.device ?? o.dsrEgress;
  const gateway = o.probe?.gateway;
  if (address === undefined) {
    if (netns !== undefined || gateway !== undefined || o.probe?.device !== undefined)
      throw invalid('the probe settings need the probe address');
    return undefined;
  }
  if (egress === undefined) throw invalid('the probe needs a device (the probe device or the dsr egress)');
  assertIpv4(address, 'the probe address');
  assertDevice(egress, 'the probe device');
  if (gateway !== undefined) assertIpv4(gateway, 'the probe gateway');
  if (netns !== undefined) {
    try {
      assertNetnsName(netns, 'probe');
    } catch (e) {
      throw invalid((e as Error).message);
    }
  }
  return {
    egress,
    address,
    ...(gateway === undefined ? {} : { gateway }),
    ...(netns === undefined ? {} : { netns }),
  };
}
