/** The IPVS data plane: the Linux Virtual Server in NAT mode, programmed with ipvsadm. */
export { createIpvsDataplane, type IpvsDataplaneOptions } from './ipvs-dataplane.js';
