/** VIPs for the native driver: the address pool and the choice of an NLB's address. */
export { assignVip, type VipRequest, type VipUse } from './vip-assign.js';
export { createVipPool, parseVipRange, type VipPool, type VipRange } from './vip-pool.js';
export { VipUseIndex } from './vip-uses.js';
