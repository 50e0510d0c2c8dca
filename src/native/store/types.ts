/**
 * The state store: where the native driver writes desired state and where agents read it and report
 * back (what they applied, what health they measured). The driver is its single writer of NLB records;
 * each agent is the single writer of its own node report.
 */
import type {
  Algorithm,
  HashFields,
  HealthCheckProtocol,
  NLBInfo,
  VMHealthState,
} from '../../interfaces/types.js';
import type { AnnounceState } from '../announce/types.js';
import type { LeaseStore } from './lease-types.js';

/** An NLB as the driver returns it, in JSON form (dates as ISO strings). Opaque to agents. */
export type StoredNLBInfo = Omit<NLBInfo, 'createdTime'> & { createdTime: string };

/** One backend of a service, with the address the driver resolved from its VM inventory. */
export interface StoredBackend {
  /** The VM's nameId. */
  id: string;
  /** Canonical address, same family as the VIP. */
  address: string;
  /** 1-100. */
  weight: number;
}

/** The health check an agent runs against every backend of a service. */
export interface StoredHealthCheck {
  protocol: HealthCheckProtocol;
  port: number;
  /** Seconds. */
  interval: number;
  /** Seconds. */
  timeout: number;
  rise: number;
  fall: number;
  httpPath?: string;
  expectedCodes?: string;
}

/**
 * What an agent needs to serve one NLB, already resolved by the driver (VIP from the pool, VM addresses
 * from the inventory), so agents in other processes never need the inventory.
 */
export interface DesiredService {
  vip: string;
  family: 4 | 6;
  protocol: 'TCP' | 'UDP';
  port: number;
  backendPort: number;
  algorithm: Algorithm;
  hashFields: HashFields;
  snat: boolean;
  /** 'dsr': direct server return; 'tunnel': encapsulated to the backend (issue 21); absent or 'nat': destination NAT. */
  forwarding?: 'nat' | 'dsr' | 'tunnel';
  /** jhash seed; the driver writes the same one into every record so every node hashes alike. */
  hashSeed: number;
  /** Maglev lookup-table size (prime); the same in every record, like `hashSeed`. */
  maglevTableSize: number;
  backends: StoredBackend[];
  health: StoredHealthCheck;
  /** Removed backends whose connections drain until `until` (issue 20); absent: none. */
  draining?: StoredDrain[];
}

/** A backend that left the group: no new flows; its connections are ended at `until`. */
export interface StoredDrain {
  /** The VM's nameId. */
  id: string;
  address: string;
  /** The port it served on. */
  port: number;
  /** When its connections are ended, in ms since the epoch. */
  until: number;
}

/** Everything the store keeps for one NLB. */
export interface NLBRecord {
  /** The NLB's nameId; the record's key. */
  name: string;
  /** The driver's view, returned by getNLB. */
  nlb: StoredNLBInfo;
  /** The agents' view. */
  service: DesiredService;
}

/** A record with the store revision at which it was last written (its "mod revision"). */
export interface StoredRecord {
  record: NLBRecord;
  revision: number;
}

/** A consistent view of every NLB record at one store revision. */
export interface StoreSnapshot {
  /** Bumped by every put and delete; never goes back. */
  revision: number;
  records: StoredRecord[];
}

/** What one agent measured about one backend of one NLB. */
export interface BackendHealthReport {
  state: VMHealthState;
  reason?: string;
  /** ISO time. */
  lastChange?: string;
  /** ISO time. */
  lastCheck?: string;
}

/** What one agent last reported: what it applied, and the health it measured. */
export interface NodeReport {
  node: string;
  /** The store revision the node's kernel holds (0: nothing applied yet). */
  appliedRevision: number;
  /** The store revision of the last attempt, successful or not. */
  attemptedRevision: number;
  /** The last attempt's error, absent when it succeeded. */
  error?: string;
  /** ISO time of this report. */
  updatedAt: string;
  /** VIPs this node's agent added to its interface (so a restarted agent removes only its own). */
  vips: string[];
  /** Health by NLB name, then VM name. */
  health: Record<string, Record<string, BackendHealthReport>>;
  /** What the node announces (absent with announce mode `none`). */
  announce?: AnnounceState;
}

/** Options of a conditional write. */
export interface WriteOptions {
  /**
   * Optimistic concurrency: the record's revision the caller read. `0` means "must not exist".
   * Omitted: unconditional. A mismatch throws NLBError CONFLICT and writes nothing.
   */
  expectedRevision?: number;
  /**
   * Optimistic concurrency across records: the store revision the caller's decision rests on (e.g. a
   * VIP chosen as free from a list of every record). If anything was written since, the write throws
   * a retryable NLBError CONFLICT (see `isStoreRevisionConflict`) and writes nothing.
   */
  expectedStoreRevision?: number;
}

/**
 * Where desired state lives. Implementations: {@link createMemoryStore} (one process),
 * `createFileStore` (one host) and `createPostgresStore` (any hosts).
 *
 * A store that does not exist is not an empty one: every read and write of it (node reports included)
 * fails with UNAVAILABLE naming it (`isStoreMissing` tells that error apart), so an agent pointed at a
 * mistyped path, or whose store was deleted, keeps the kernel as it is. Only {@link StateStore.create}
 * creates one (the native driver calls it before its first write; `nlbkit store init` is the command).
 */
export interface StateStore {
  /** `memory`, `file:<dir>` or `postgres:<schema>`, for messages. */
  readonly description: string;
  /**
   * Creates the store, empty, unless it exists (idempotent, safe from several processes at once);
   * resolves whether this call created it. Never changes a store that exists.
   */
  create(): Promise<boolean>;
  /** One record, or undefined. */
  get(name: string): Promise<StoredRecord | undefined>;
  /** Every record, sorted by name, at one revision. */
  list(): Promise<StoreSnapshot>;
  /** Writes a record; resolves with the new store revision. */
  put(record: NLBRecord, opts?: WriteOptions): Promise<number>;
  /** Deletes a record; resolves false if there was none. Resolves with whether it existed. */
  delete(name: string, opts?: WriteOptions): Promise<boolean>;
  /** The current store revision. */
  revision(): Promise<number>;
  /**
   * Calls `listener` (soon, not necessarily at once) after NLB records or node reports change,
   * including changes made by other processes: every change made after `watch` returns is reported.
   * It may also be called once when watching has started (a store that needs time to start watching
   * does, so a change made meanwhile is not missed). Returns an unsubscribe function.
   */
  watch(listener: () => void): () => void;
  /** Replaces one node's report. */
  putNodeReport(report: NodeReport): Promise<void>;
  /** Every node's last report, sorted by node name. */
  listNodeReports(): Promise<NodeReport[]>;
  /**
   * Leases decided by the store's own clock (layer-2 VIP ownership, node liveness). The memory and
   * PostgreSQL stores have them; the file store has none (layer 2 across hosts needs PostgreSQL).
   */
  readonly leases?: LeaseStore;
  /** Stops watching and releases resources. */
  close(): Promise<void>;
}
