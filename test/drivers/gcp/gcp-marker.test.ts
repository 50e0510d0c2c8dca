/**
 * The description marker that says a Compute Engine resource is nlbkit's: parsed, not cast. Whether a
 * resource is nlbkit's rests on its NLB and create call; a malformed optional field is dropped.
 */
import { describe, expect, it } from 'vitest';
import { describe as describeMarker, markerOf } from '../../../src/drivers/gcp/gcp-convert.js';

describe('GCP description marker', () => {
  it('reads back what nlbkit wrote', () => {
    const m = {
      nlb: 'web',
      createId: 'c1',
      vpc: 'net',
      tags: [{ key: 'k', value: 'v' }],
      af: 'DUAL_STACK' as const,
    };
    expect(markerOf(describeMarker(m))).toEqual(m);
    expect(markerOf(describeMarker({ nlb: 'web', createId: 'c1' }))).toEqual({ nlb: 'web', createId: 'c1' });
  });

  it("is not nlbkit's without the prefix, as bad JSON, or without its NLB or create call", () => {
    for (const d of [
      undefined,
      null,
      'web server',
      'nlbkit:{',
      'nlbkit:[]',
      'nlbkit:{"nlb":"web"}',
      'nlbkit:{"nlb":7,"createId":"c1"}',
    ])
      expect(markerOf(d), String(d)).toBeUndefined();
  });

  it('drops a malformed optional field (edited by hand) and any unknown one', () => {
    expect(
      markerOf('nlbkit:{"nlb":"web","createId":"c1","vpc":5,"tags":"k=v","af":"IPV7","extra":{"a":1}}'),
    ).toEqual({ nlb: 'web', createId: 'c1' });
    expect(markerOf('nlbkit:{"nlb":"web","createId":"c1","tags":[{"key":"k"}]}')).toEqual({
      nlb: 'web',
      createId: 'c1',
    });
  });
});
