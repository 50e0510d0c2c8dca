import { describe, expect, it } from 'vitest';
import type { ExecResult, Executor } from '../executor/types.js';
import { conntrackArgs, createFlowCutter, type FlowCut } from './flow-cutter.js';

const cut: FlowCut = {
  protocol: 'tcp',
  family: 4,
  vip: '198.19.0.1',
  port: 80,
  address: '10.0.0.2',
  backendPort: 8080,
  until: 1,
};

/** An executor that records argv and answers with `result`. */
function recording(result: ExecResult) {
  const calls: string[][] = [];
  const executor: Executor = {
    where: 'test',
    run: async (argv) => {
      calls.push([...argv]);
      return result;
    },
  };
  return { calls, executor };
}

describe('flow cutter', () => {
  it('deletes the conntrack entries of the VIP answered by the drained backend, as an argument vector', () => {
    expect(conntrackArgs(cut)).toEqual([
      'conntrack',
      '-D',
      '-f',
      'ipv4',
      '-p',
      'tcp',
      '--orig-dst',
      '198.19.0.1',
      '--orig-port-dst',
      '80',
      '--reply-src',
      '10.0.0.2',
      '--reply-port-src',
      '8080',
    ]);
    expect(conntrackArgs({ ...cut, family: 6, vip: 'fd00::1', address: 'fd00::2' })[3]).toBe('ipv6');
  });

  it('refuses a value that is not a canonical address or a port, before running anything', () => {
    expect(() => conntrackArgs({ ...cut, address: '10.0.0.2 --flush' })).toThrow(/invalid address/);
    expect(() => conntrackArgs({ ...cut, backendPort: 0 })).toThrow(/invalid address or port/);
  });

  it('runs each cut once; "0 flow entries" is no error; another failure is a PROVIDER_ERROR', async () => {
    const none = recording({
      code: 1,
      stdout: '',
      stderr: 'conntrack v1.4.7: 0 flow entries have been deleted.',
    });
    const cutFlows = createFlowCutter(none.executor, () => undefined);
    expect(await cutFlows([cut])).toBe(1);
    expect(await cutFlows([cut])).toBe(0);
    expect(await cutFlows([{ ...cut, until: 2 }])).toBe(1);
    expect(none.calls).toHaveLength(2);
    const broken = recording({ code: 2, stdout: '', stderr: 'Operation not permitted' });
    await expect(createFlowCutter(broken.executor, () => undefined)([cut])).rejects.toMatchObject({
      code: 'PROVIDER_ERROR',
    });
  });
});
