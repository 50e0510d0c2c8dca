/**
 * Carrying the caller's AbortSignal into the Compute Engine REST transport. The clients' methods take
 * no signal, and the promise they return has lost the transport's `cancel()`; but every request goes
 * through the auth client's `fetch`. So each call runs with its signal in an AsyncLocalStorage, and the
 * auth client given to the clients is a view whose `fetch` also stops on that signal: an abort ends
 * the request in flight instead of leaving it open until the server answers.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

const callSignal = new AsyncLocalStorage<AbortSignal | undefined>();

/** Runs `work` with `signal` as the signal of every request the clients send meanwhile. */
export function withCallSignal<T>(signal: AbortSignal | undefined, work: () => Promise<T>): Promise<T> {
  return callSignal.run(signal, work);
}

type Fetch = (url: unknown, init?: { signal?: AbortSignal } & Record<string, unknown>) => unknown;

/**
 * A view of `client` whose `fetch` adds the current call's signal to the transport's own; everything
 * else is the client's (methods bound to it, so its internals behave as before).
 */
export function signalAwareAuthClient<T extends object>(client: T): T {
  return new Proxy(client, {
    get(target, key) {
      const value = Reflect.get(target, key, target) as unknown;
      if (typeof value !== 'function') return value;
      if (key !== 'fetch') return value.bind(target);
      const fetch = value as Fetch;
      return (url: unknown, init: Parameters<Fetch>[1] = {}) => {
        const signal = callSignal.getStore();
        if (!signal) return fetch.call(target, url, init);
        const both = init.signal ? AbortSignal.any([init.signal, signal]) : signal;
        return fetch.call(target, url, { ...init, signal: both });
      };
    },
  });
}
