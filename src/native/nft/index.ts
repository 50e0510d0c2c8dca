/** The nftables data plane: `createNftDataplane` plus the pieces it is built from, for tests and tools. */

export { NFT_IDENT_PATTERN } from '../dataplane/dataplane-values.js';
export { createNftDataplane, DEFAULT_SNAT_MARK, type NftDataplaneOptions } from './nft-dataplane.js';
export {
  buildLayout,
  defaultMaglev,
  type Group,
  type Layout,
  type LayoutOptions,
  type MaglevFn,
  REJECT_CHAIN,
  type ServiceLayout,
} from './nft-layout.js';
export type * from './nft-objects.js';
export { type Plan, planFull, planIncremental } from './nft-plan.js';
export { diffKernel, type KernelTable, parseKernelTable } from './nft-readback.js';
export {
  renderAddChain,
  renderAddElements,
  renderAddMap,
  renderDeleteElements,
  renderElement,
  renderFullTransaction,
  renderRule,
} from './nft-render.js';
export { allElements, groupObjects, tableFor } from './nft-table.js';
