/** What every driver step gets: the API clients and the resolved options. */
import type { OpenStackApi } from './os-api.js';
import type { Octavia } from './os-octavia.js';
import type { ResolvedOpenStackOptions } from './os-options.js';

export interface OpenStackDeps {
  api: OpenStackApi;
  octavia: Octavia;
  options: ResolvedOpenStackOptions;
  /** Finishes drains on time while the process lives (os-drain.ts). */
  drains?: { schedule(lbId: string, nameId: string, at: number): void };
}
