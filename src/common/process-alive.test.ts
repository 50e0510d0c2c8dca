import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { processAlive } from './process-alive.js';

describe('processAlive', () => {
  it('is true for a running process and false for one that has exited', () => {
    expect(processAlive(process.pid)).toBe(true);
    const exited = spawnSync('true').pid; // exited and reaped
    expect(processAlive(exited)).toBe(false);
  });
});
