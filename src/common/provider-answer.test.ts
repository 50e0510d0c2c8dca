import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseAnswer } from './provider-answer.js';

const from = { driver: 'x', operation: 'getNLB', cloud: 'X Cloud', call: 'GET /things' };
const Thing = z.looseObject({ id: z.string(), ports: z.array(z.looseObject({ n: z.number() })) });

describe('parseAnswer', () => {
  it('returns the answer typed, keeping fields the schema does not name', () => {
    expect(parseAnswer(Thing, { id: 'a', ports: [{ n: 1, extra: true }], added: 1 }, from)).toEqual({
      id: 'a',
      ports: [{ n: 1, extra: true }],
      added: 1,
    });
  });

  it('a mismatch is UNAVAILABLE naming the first wrong field, with no value of the answer', () => {
    const secret = 'sk-very-secret-value';
    let caught: unknown;
    try {
      parseAnswer(Thing, { id: 'a', ports: [{ n: secret }] }, from);
    } catch (e) {
      caught = e;
    }
    expect(caught).toMatchObject({ code: 'UNAVAILABLE', retryable: false, driver: 'x' });
    expect((caught as Error).message).toBe(
      '[nlbkit] [x] getNLB: unexpected answer from X Cloud GET /things: ports.0.n (Invalid input: expected number, received string)',
    );
    expect(JSON.stringify(caught)).not.toContain(secret);
  });
});
