/** The nlbkit contract, for code inside this repository (the public root, src/index.ts, exports by name). */
export * from './adoption.js';
export * from './capabilities.js';
export * from './errors.js';
export * from './forwarding.js';
export * from './handler.js';
export * from './input-text.js';
export * from './read-input.js';
export * from './schemas.js';
export * from './types.js';
