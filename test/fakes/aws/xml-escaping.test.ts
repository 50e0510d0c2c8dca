import {
  AddTagsCommand,
  CreateTargetGroupCommand,
  DescribeTagsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caught, type FakeWorld, startWorld } from './test-helpers.js';
import { escapeXml, renderElement } from './xml.js';

describe('AWS fake: XML escaping', () => {
  let w: FakeWorld;
  let tgArn: string;
  beforeAll(async () => {
    w = await startWorld();
    const tg = await w.elb.send(
      new CreateTargetGroupCommand({ Name: 'x', Protocol: 'TCP', Port: 1, VpcId: w.vpcId }),
    );
    tgArn = tg.TargetGroups![0]!.TargetGroupArn!;
  });
  afterAll(async () => {
    await w.close();
  });

  it('escapes the five special characters and omits empty elements', () => {
    expect(escapeXml(`<a href="x">&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;');
    expect(
      renderElement('A', [
        ['B', undefined],
        ['C', 'x&y'],
      ]),
    ).toBe('<A><C>x&amp;y</C></A>');
  });

  it('round-trips arbitrary printable tag values through the real SDK parser', async () => {
    // Printable characters only: XML 1.0 cannot carry most control characters, and neither can AWS tags.
    const printable = fc
      .string({ unit: 'grapheme', minLength: 1, maxLength: 40 })
      .filter((s) => /^[^\p{Cc}]+$/u.test(s));
    await fc.assert(
      fc.asyncProperty(printable, async (value) => {
        await w.elb.send(new AddTagsCommand({ ResourceArns: [tgArn], Tags: [{ Key: 'k', Value: value }] }));
        const res = await w.elb.send(new DescribeTagsCommand({ ResourceArns: [tgArn] }));
        expect(res.TagDescriptions?.[0]?.Tags).toEqual([{ Key: 'k', Value: value }]);
      }),
      { numRuns: 40 },
    );
  });

  it('carries special characters in error messages intact', async () => {
    w.fake.failOn('DescribeTags', { code: 'ValidationError', message: `bad <Code>x</Code> & 'y' "z"` });
    const err = await caught(() => w.elb.send(new DescribeTagsCommand({ ResourceArns: [tgArn] })));
    expect(err.name).toBe('ValidationError');
    expect(err.message).toBe(`bad <Code>x</Code> & 'y' "z"`);
  });
});
