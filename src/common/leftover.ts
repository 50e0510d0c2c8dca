/**
 * The NLB a driver reports to deleteNLB when only parts of it are left (a create or delete that failed
 * part way and could not clean up): nothing else sees it, and deleteNLB finishes the job.
 */
import type { NLBInfo } from '../interfaces/types.js';

/** A placeholder NLBInfo for the leftover parts of NLB `name`; `what` says which parts. */
export function leftoverNLB(name: string, what: string): NLBInfo {
  return {
    iid: { nameId: name },
    vpcIID: { nameId: '' },
    type: 'PUBLIC',
    scope: 'REGION',
    listener: { protocol: 'TCP', port: 0 },
    vmGroup: { protocol: 'TCP', port: 0, vms: [], algorithm: 'SOURCE_HASH' },
    healthChecker: {
      protocol: 'TCP',
      interval: 0,
      timeout: 0,
      threshold: 0,
      healthyThreshold: 0,
      unhealthyThreshold: 0,
    },
    createdTime: new Date(0),
    tagList: [],
    keyValueList: [{ key: 'leftover', value: what }],
  };
}
