/** Layer-2 announcement: lease-based VIP ownership, the address on the interface, gratuitous ARP / NA. */
export { createL2Announcer } from './l2-announcer.js';
export {
  KERNEL_LIFETIME_SLACK_MS,
  type L2AnnouncerOptions,
  type L2AnnounceSettings,
  monotonicClock,
  requireLeases,
} from './l2-options.js';
export { rendezvousRank } from './rendezvous.js';
