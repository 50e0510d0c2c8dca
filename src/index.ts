/**
 * nlbkit: one interface, NLBHandler, for layer-4 network load balancers on every cloud and on your
 * own Linux hosts. The root exports the contract and the mock driver; cloud drivers live at their own
 * subpaths (`nlbkit/aws`, `nlbkit/native`, ...) and load their SDKs only when used.
 */

export * from './drivers/mock/index.js';
export * from './interfaces/index.js';
