/**
 * EC2 read actions nlbkit's AWS driver uses: DescribeVpcs, DescribeSubnets, DescribeInstances,
 * answering in ec2Query shape (`xxxSet` lists of `<item>`, camelCase names).
 */

import { applyFilters, type FilterTable, readFilters } from './ec2-filters.js';
import { AwsFault } from './errors.js';
import type { Params } from './form.js';
import { type Handler, renderEc2Error, renderEc2Result, type ServiceDef } from './protocols.js';
import type { FakeState, Instance, Subnet, Vpc } from './state.js';
import { type XmlChild, xmlList } from './xml.js';

function tagSet(tags: Record<string, string>): XmlChild {
  return [
    'tagSet',
    xmlList('item', Object.entries(tags), ([key, value]) => [
      ['key', key],
      ['value', value],
    ]),
  ];
}

/** Looks up requested ids in order; unknown ids fail the whole call as EC2 does. */
function byIds<T>(ids: string[], map: Map<string, T>, kind: string, code: string): T[] {
  const missing = ids.filter((id) => !map.has(id));
  if (missing.length > 0) {
    const noun = missing.length === 1 ? `ID '${missing[0]}' does` : `IDs '${missing.join(', ')}' do`;
    throw new AwsFault(code, `The ${kind} ${noun} not exist`);
  }
  return ids.length > 0 ? [...new Set(ids)].map((id) => map.get(id)!) : [...map.values()];
}

function vpcTags(v: Vpc): Record<string, string> {
  return v.name ? { Name: v.name } : {};
}

function subnetTags(s: Subnet, state: FakeState): Record<string, string> {
  const name = state.vpcs.get(s.vpcId)?.name;
  return name ? { Name: `${name}-${s.az}` } : {};
}

function instanceTags(i: Instance): Record<string, string> {
  return { Name: i.name };
}

const describeVpcs: Handler = ({ state, params }) => {
  const vpcs = byIds(params.list('VpcId'), state.vpcs, 'vpc', 'InvalidVpcID.NotFound');
  const owner = state.settings.accountId;
  const table: FilterTable<Vpc> = {
    'vpc-id': (v) => [v.vpcId],
    cidr: (v) => [v.cidr],
    'cidr-block-association.cidr-block': (v) => [v.cidr],
    state: () => ['available'],
    'is-default': () => ['false'],
    'owner-id': () => [owner],
  };
  const found = applyFilters(vpcs, readFilters(params), table, vpcTags);
  return [
    [
      'vpcSet',
      xmlList('item', found, (v) => [
        ['vpcId', v.vpcId],
        ['ownerId', owner],
        ['state', 'available'],
        ['cidrBlock', v.cidr],
        ['dhcpOptionsId', 'dopt-00000000000000000'],
        ['instanceTenancy', 'default'],
        ['isDefault', false],
        tagSet(vpcTags(v)),
      ]),
    ],
  ];
};

const describeSubnets: Handler = ({ state, params }) => {
  const subnets = byIds(params.list('SubnetId'), state.subnets, 'subnet', 'InvalidSubnetID.NotFound');
  const owner = state.settings.accountId;
  const table: FilterTable<Subnet> = {
    'vpc-id': (s) => [s.vpcId],
    'subnet-id': (s) => [s.subnetId],
    'availability-zone': (s) => [s.az],
    availabilityZone: (s) => [s.az],
    'cidr-block': (s) => [s.cidr],
    cidrBlock: (s) => [s.cidr],
    state: () => ['available'],
  };
  const found = applyFilters(subnets, readFilters(params), table, (s) => subnetTags(s, state));
  return [
    [
      'subnetSet',
      xmlList('item', found, (s) => [
        ['subnetId', s.subnetId],
        ['subnetArn', `arn:aws:ec2:${state.settings.region}:${owner}:subnet/${s.subnetId}`],
        ['state', 'available'],
        ['vpcId', s.vpcId],
        ['ownerId', owner],
        ['cidrBlock', s.cidr],
        ['availableIpAddressCount', 251],
        ['availabilityZone', s.az],
        ['defaultForAz', false],
        ['mapPublicIpOnLaunch', false],
        tagSet(subnetTags(s, state)),
        [
          'ipv6CidrBlockAssociationSet',
          s.ipv6Cidr === undefined
            ? undefined
            : [
                [
                  'item',
                  [
                    ['ipv6CidrBlock', s.ipv6Cidr],
                    ['associationId', `subnet-cidr-assoc-${s.subnetId.slice(7)}`],
                    ['ipv6CidrBlockState', [['state', 'associated']]],
                  ],
                ],
              ],
        ],
      ]),
    ],
  ];
};

function instanceXml(i: Instance): XmlChild[] {
  return [
    ['instanceId', i.instanceId],
    ['imageId', 'ami-00000000000000000'],
    [
      'instanceState',
      [
        ['code', 16],
        ['name', 'running'],
      ],
    ],
    ['privateDnsName', `ip-${i.privateIp.replace(/\./g, '-')}.ec2.internal`],
    ['dnsName', ''],
    ['instanceType', 't3.micro'],
    ['launchTime', i.launchTime.toISOString()],
    [
      'placement',
      [
        ['availabilityZone', i.az],
        ['tenancy', 'default'],
      ],
    ],
    ['subnetId', i.subnetId],
    ['vpcId', i.vpcId],
    ['privateIpAddress', i.privateIp],
    tagSet(instanceTags(i)),
  ];
}

/** DescribeInstances paging: `NextToken` is the offset into the filtered list. */
function page<T>(items: T[], params: Params): { items: T[]; next?: string } {
  const max = params.int('MaxResults');
  const token = params.str('NextToken');
  const start = token === undefined ? 0 : Number(token);
  if (!Number.isInteger(start) || start < 0 || start > items.length) {
    throw new AwsFault('InvalidParameterValue', `Invalid value '${token}' for NextToken`);
  }
  if (max === undefined) return { items: items.slice(start) };
  if (max < 5 || max > 1000) {
    throw new AwsFault(
      'InvalidParameterValue',
      `Value ( ${max} ) for parameter maxResults is invalid. Expecting a value between 5 and 1000.`,
    );
  }
  const end = start + max;
  return end < items.length
    ? { items: items.slice(start, end), next: String(end) }
    : { items: items.slice(start) };
}

const instanceFilters: FilterTable<Instance> = {
  'instance-id': (i) => [i.instanceId],
  'vpc-id': (i) => [i.vpcId],
  'subnet-id': (i) => [i.subnetId],
  'private-ip-address': (i) => [i.privateIp],
  'network-interface.addresses.private-ip-address': (i) => [i.privateIp],
  'instance-state-name': () => ['running'],
  'instance-state-code': () => ['16'],
  'availability-zone': (i) => [i.az],
};

const describeInstances: Handler = ({ state, params }) => {
  const ids = params.list('InstanceId');
  if (ids.length > 0 && params.str('MaxResults') !== undefined) {
    throw new AwsFault(
      'InvalidParameterCombination',
      'The parameter instancesSet cannot be used with the parameter maxResults',
    );
  }
  const instances = byIds(ids, state.instances, 'instance', 'InvalidInstanceID.NotFound');
  const found = applyFilters(instances, readFilters(params), instanceFilters, instanceTags);
  const { items, next } = page(found, params);
  return [
    [
      'reservationSet',
      xmlList('item', items, (i) => [
        ['reservationId', i.reservationId],
        ['ownerId', state.settings.accountId],
        ['groupSet', []],
        ['instancesSet', [['item', instanceXml(i)]]],
      ]),
    ],
    ['nextToken', next],
  ];
};

/** The EC2 service (Version 2016-11-15). */
export const ec2Service: ServiceDef = {
  name: 'ec2',
  version: '2016-11-15',
  handlers: {
    DescribeVpcs: describeVpcs,
    DescribeSubnets: describeSubnets,
    DescribeInstances: describeInstances,
  },
  throttle: { code: 'RequestLimitExceeded', status: 503 },
  renderResult: renderEc2Result,
  renderError: renderEc2Error,
};
