import { sleep } from '../../common/abort.js';
import { NLBError, type NLBErrorCode } from '../../interfaces/errors.js';
import type { NLBOperation } from '../../interfaces/handler.js';

/** A fault to inject: an NLBError to throw, or the parts of one. */
export type MockFault =
  | NLBError
  | { code: NLBErrorCode; message?: string | undefined; retryable?: boolean | undefined };

/** Holds injected faults and latency, and applies them before each operation. */
export class MockFaults {
  readonly #once = new Map<NLBOperation | '*', MockFault[]>();
  readonly #always = new Map<NLBOperation | '*', MockFault>();
  #latencyMs = 0;

  failNext(operation: NLBOperation | '*', fault: MockFault): void {
    const queue = this.#once.get(operation) ?? [];
    queue.push(fault);
    this.#once.set(operation, queue);
  }

  failAlways(operation: NLBOperation | '*', fault: MockFault): void {
    this.#always.set(operation, fault);
  }

  clear(): void {
    this.#once.clear();
    this.#always.clear();
  }

  set latencyMs(ms: number) {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError('latency must be a finite number >= 0');
    this.#latencyMs = ms;
  }

  get latencyMs(): number {
    return this.#latencyMs;
  }

  /** Waits the latency (abortable), then throws the first fault due for `operation`, if any. */
  async apply(operation: NLBOperation, signal?: AbortSignal): Promise<void> {
    if (this.#latencyMs > 0) await sleep(this.#latencyMs, signal, 'mock', operation);
    const fault = this.#take(operation) ?? this.#take('*');
    if (fault) throw toError(fault, operation);
  }

  #take(key: NLBOperation | '*'): MockFault | undefined {
    const queue = this.#once.get(key);
    if (queue?.length) {
      const fault = queue.shift();
      if (queue.length === 0) this.#once.delete(key);
      return fault;
    }
    return this.#always.get(key);
  }
}

function toError(fault: MockFault, operation: NLBOperation): NLBError {
  if (fault instanceof NLBError) return fault;
  return new NLBError({
    code: fault.code,
    driver: 'mock',
    operation,
    message: fault.message ?? `injected ${fault.code}`,
    retryable: fault.retryable,
  });
}
