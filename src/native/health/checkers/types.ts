import type { HealthCheckProtocol } from '../../../interfaces/types.js';
import type { StatusMatcher } from '../expected-codes.js';
import type { CheckOutcome } from '../state-machine.js';

/** Everything one check needs, already resolved (milliseconds, parsed status matcher). */
export interface CheckSpec {
  address: string;
  port: number;
  protocol: HealthCheckProtocol;
  /** Hard bound on the whole check; sockets are destroyed when it passes. */
  timeoutMs: number;
  /** HTTP(S) path; default '/'. */
  httpPath?: string;
  /** HTTP(S) statuses that mean healthy; default 200-399. */
  expectedCodes?: StatusMatcher;
  /** HTTP(S) Host header (and TLS SNI); default the address. */
  host?: string;
  /** HTTPS: verify the certificate chain and name. Default false, as the clouds' checks do. */
  tlsVerify?: boolean;
  /** HTTPS with `tlsVerify`: extra trusted CA certificates (PEM). */
  ca?: string | Buffer;
  /** UDP: the probe datagram. Default empty. */
  udpPayload?: Buffer;
  /**
   * The source port to send from. Default: any. The dsr probe path picks each probe's route by it
   * (dsr-probe-path.ts), so a check with a local port never uses the native TCP helper.
   */
  localPort?: number;
}

/** Runs one check. Never rejects: failures are outcomes with a reason. */
export type Checker = (spec: CheckSpec, signal?: AbortSignal) => Promise<CheckOutcome>;
