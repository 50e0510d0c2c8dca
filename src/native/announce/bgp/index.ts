/** BGP announcements through BIRD 2: see bgp-announcer.ts and docs/native-ha.md. */
export { type BgpAnnouncerOptions, createBgpAnnouncer } from './bgp-announcer.js';
export { DEFAULT_PROTOCOL_PREFIX, renderInclude } from './bird-render.js';
export { BIRD_PATH_PATTERN, BIRD_SYMBOL_PATTERN } from './bird-values.js';
