/** What every driver step gets: the API clients and the resolved options. */
import type { OpenStackApi } from './openstack-api.js';
import type { Octavia } from './openstack-octavia.js';
import type { ResolvedOpenStackOptions } from './openstack-options.js';

export interface OpenStackDeps {
  api: OpenStackApi;
  octavia: Octavia;
  options: ResolvedOpenStackOptions;
  /** Finishes drains on time while the process lives (openstack-drain.ts). */
  drains?: { schedule(lbId: string, nameId: string, at: number): void };
}
