/** The OpenStack driver's name in errors and capabilities. */
export const OPENSTACK_DRIVER_NAME = 'openstack';
