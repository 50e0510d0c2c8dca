/**
 * nlbkit's OpenStack driver (`nlbkit/openstack`): NLBHandler over Octavia v2, with Keystone v3 auth,
 * Neutron (networks, ports, floating IPs) and Nova (servers). No SDK needed: it speaks the APIs over
 * `fetch`. See docs/drivers/openstack.md.
 */
export type { WaiterOptions } from '../../common/waiter-options.js';
export {
  OPENSTACK_CAPABILITIES,
  OPENSTACK_MAX_MEMBERS,
  OPENSTACK_OVN_CAPABILITIES,
  openStackCapabilitiesFor,
} from './openstack-capabilities.js';
export { createOpenStackDriver } from './openstack-driver.js';
export { OCTAVIA_MEMBER_STATES } from './openstack-health.js';
export {
  OPENSTACK_DRIVER_NAME,
  type OpenStackApplicationCredentialAuth,
  type OpenStackDriverOptions,
  type OpenStackFetch,
  type OpenStackPasswordAuth,
  type OpenStackWaiterOptions,
} from './openstack-options.js';
