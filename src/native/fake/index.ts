/** The fake LB node for tests without root: nft and ip in memory (`createFakeNftExecutor`). */
export {
  createFakeNftExecutor,
  type FakeNftExecutor,
  type FakeNftExecutorOptions,
} from './fake-nft-executor.js';
