/** The nlbkit contract: types, schemas, capabilities, errors and the NLBHandler interface. */
export * from './adoption.js';
export * from './capabilities.js';
export * from './errors.js';
export * from './forwarding.js';
export * from './handler.js';
export * from './input-text.js';
export * from './read-input.js';
export * from './schemas.js';
export * from './types.js';
