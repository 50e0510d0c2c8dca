/** Values that fight back, for the hostile-input cases and property tests. */

// Control characters, line and paragraph separators, bidi overrides: none may reach a message.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
export const UNSAFE_IN_MESSAGE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
/** Longer than any message needs, far shorter than the hostile input. */
export const MESSAGE_LIMIT = 2000;
