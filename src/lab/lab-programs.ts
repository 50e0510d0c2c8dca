/**
 * Typed handles on the lab programs: a backend server per backend namespace and the client agent in
 * the client namespace.
 */
import type { BatchJob, ConnResult } from './lab-client-batch.js';
import type { HoldJob, HoldStatus } from './lab-client-hold.js';
import { LabProcess } from './lab-process.js';

export type { BatchJob, ConnResult, HoldJob, HoldStatus };

/** Ports a backend serves on. */
export interface BackendPorts {
  tcp: number[];
  udp: number[];
  http: number[];
}

/** The server in one backend namespace; it can be stopped and started again (health tests). */
export class BackendServer {
  #proc: LabProcess | undefined;

  constructor(
    readonly ns: string,
    /** The name it answers with (the VM's nameId). */
    readonly id: string,
    readonly ports: BackendPorts,
  ) {}

  /** Whether the server process runs. */
  get running(): boolean {
    return this.#proc !== undefined;
  }

  /** Starts the server (no-op if it runs) and waits until it listens. */
  async start(): Promise<void> {
    this.#proc ??= await LabProcess.start(this.ns, 'lab-backend-main', { id: this.id, ...this.ports });
  }

  /** Stops the server process; its open connections are reset. */
  async stop(): Promise<void> {
    const proc = this.#proc;
    this.#proc = undefined;
    await proc?.kill();
  }

  /** Makes `GET /health` answer `status` (e.g. 500) from now on. */
  async setHealth(status: number): Promise<void> {
    await this.#running().call('health', { status });
  }

  /** Stops listening (new connections are refused) but keeps open connections and the process. */
  async down(): Promise<void> {
    await this.#running().call('down');
  }

  /** Listens again after {@link down}. */
  async up(): Promise<void> {
    await this.#running().call('up');
  }

  #running(): LabProcess {
    if (!this.#proc) throw new Error(`backend ${this.id} is not running`);
    return this.#proc;
  }
}

/** A long-lived TCP connection opened by the lab client. */
export interface HeldConnection {
  /** The backend that answered when it opened. */
  readonly backend: string;
  status(): Promise<HoldStatus>;
  /** Closes it and returns its final status. */
  release(): Promise<HoldStatus>;
}

/** The client agent in the client namespace. */
export class LabClient {
  private constructor(
    readonly ns: string,
    readonly proc: LabProcess,
  ) {}

  /** Starts the agent in namespace `ns`. */
  static async start(ns: string): Promise<LabClient> {
    return new LabClient(ns, await LabProcess.start(ns, 'lab-client-main', {}));
  }

  /** Opens `job.count` short connections and returns one result per connection, in order. */
  async batch(job: BatchJob): Promise<ConnResult[]> {
    const answer = await this.proc.call('batch', job);
    return answer.results as ConnResult[];
  }

  /** Opens one long-lived TCP connection that keeps pinging until released. */
  async hold(job: HoldJob): Promise<HeldConnection> {
    const answer = await this.proc.call('hold', job);
    const session = answer.session as number;
    return {
      backend: answer.backend as string,
      status: async () => (await this.proc.call('holdStatus', { session })) as unknown as HoldStatus,
      release: async () => (await this.proc.call('release', { session })) as unknown as HoldStatus,
    };
  }

  /** Ends the agent. */
  async stop(): Promise<void> {
    await this.proc.stop();
  }
}

/** Counts results per backend (failed connections under the key `error`). */
export function countByBackend(results: readonly ConnResult[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of results) {
    const key = r.ok ? (r.backend ?? '?') : 'error';
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}
