/** The IPVS data plane: the Linux Virtual Server (NAT, direct routing, IPIP tunnelling), programmed with ipvsadm. */
export { createIpvsDataplane, type IpvsDataplaneOptions } from './ipvs-dataplane.js';
