import { describe, expect, it } from 'vitest';
import { codeForHttpStatus } from './http-status.js';

describe('codeForHttpStatus', () => {
  it('maps the statuses cloud APIs use, and leaves the rest to the caller', () => {
    expect([400, 401, 403, 404, 409, 412, 429, 500, 503].map((s) => codeForHttpStatus(s))).toEqual([
      'INVALID_ARGUMENT',
      'PERMISSION_DENIED',
      'PERMISSION_DENIED',
      'NOT_FOUND',
      'CONFLICT',
      'CONFLICT',
      'THROTTLED',
      'UNAVAILABLE',
      'UNAVAILABLE',
    ]);
    expect(codeForHttpStatus(302)).toBeUndefined();
  });

  it("takes a driver's overrides before the common mapping", () => {
    const overrides = { 409: 'ALREADY_EXISTS', 501: 'UNSUPPORTED' } as const;
    expect([409, 501, 502].map((s) => codeForHttpStatus(s, overrides))).toEqual([
      'ALREADY_EXISTS',
      'UNSUPPORTED',
      'UNAVAILABLE',
    ]);
  });
});
