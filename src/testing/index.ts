/** nlbkit/testing: the conformance suite any NLBHandler (even a third party's) can prove itself with. */
export { ConformanceFailure, check, checkEqual, checkRejects } from './assertions.js';
export { type ConformanceCase, conformanceCases } from './cases.js';
export { type ConformanceOptions, nlbHandlerConformance, nlbHandlerPeerConformance } from './conformance.js';
export { type PeerCase, type PeerWorld, peerCases } from './peer-cases.js';
export {
  baseRequest,
  type ConformanceWorld,
  essence,
  type ForeignLoadBalancers,
  type MakeWorld,
  uniqueName,
} from './world.js';
