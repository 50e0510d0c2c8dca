/** XML shapes of ELBv2 objects, with the member names the SDK's awsQuery deserializer expects. */
import type { FakeState, Listener, LoadBalancer, TargetGroup } from './state.js';
import { type XmlChild, xmlList } from './xml.js';

/** Route 53 zone of NLB DNS names in us-east-1; the fake uses it for every region. */
const NLB_HOSTED_ZONE = 'Z26RNL4JYFTOTI';

/** A `LoadBalancer` structure in the given lifecycle state. */
export function loadBalancerXml(lb: LoadBalancer, stateCode: string): XmlChild[] {
  return [
    ['LoadBalancerArn', lb.arn],
    ['DNSName', lb.dnsName],
    ['CanonicalHostedZoneId', NLB_HOSTED_ZONE],
    ['CreatedTime', lb.createdTime.toISOString()],
    ['LoadBalancerName', lb.name],
    ['Scheme', lb.scheme],
    ['VpcId', lb.vpcId],
    ['State', [['Code', stateCode]]],
    ['Type', 'network'],
    [
      'AvailabilityZones',
      xmlList('member', lb.subnets, (s) => [
        ['ZoneName', s.az],
        ['SubnetId', s.subnetId],
        ['LoadBalancerAddresses', []],
      ]),
    ],
    ['IpAddressType', lb.ipAddressType],
  ];
}

/** A `TargetGroup` structure; `LoadBalancerArns` is derived from the listeners that use it. */
export function targetGroupXml(tg: TargetGroup, state: FakeState): XmlChild[] {
  const h = tg.health;
  return [
    ['TargetGroupArn', tg.arn],
    ['TargetGroupName', tg.name],
    ['Protocol', tg.protocol],
    ['Port', tg.port],
    ['VpcId', tg.vpcId],
    ['HealthCheckProtocol', h.protocol],
    ['HealthCheckPort', h.port],
    ['HealthCheckEnabled', true],
    ['HealthCheckIntervalSeconds', h.interval],
    ['HealthCheckTimeoutSeconds', h.timeout],
    ['HealthyThresholdCount', h.healthy],
    ['UnhealthyThresholdCount', h.unhealthy],
    ['HealthCheckPath', h.path],
    ['Matcher', h.matcher === undefined ? undefined : [['HttpCode', h.matcher]]],
    ['LoadBalancerArns', xmlList('member', state.lbArnsOf(tg.arn), (a) => a)],
    ['TargetType', tg.targetType],
    ['IpAddressType', 'ipv4'],
  ];
}

/** A `Listener` structure with its single forward action. */
export function listenerXml(l: Listener): XmlChild[] {
  return [
    ['ListenerArn', l.arn],
    ['LoadBalancerArn', l.lbArn],
    ['Port', l.port],
    ['Protocol', l.protocol],
    [
      'Certificates',
      l.certificateArns.length > 0
        ? xmlList('member', l.certificateArns, (a) => [['CertificateArn', a]])
        : undefined,
    ],
    ['SslPolicy', l.sslPolicy],
    [
      'DefaultActions',
      [
        [
          'member',
          [
            ['Type', 'forward'],
            ['TargetGroupArn', l.targetGroupArn],
            [
              'ForwardConfig',
              [
                [
                  'TargetGroups',
                  [
                    [
                      'member',
                      [
                        ['TargetGroupArn', l.targetGroupArn],
                        ['Weight', 1],
                      ],
                    ],
                  ],
                ],
                ['TargetGroupStickinessConfig', [['Enabled', false]]],
              ],
            ],
          ],
        ],
      ],
    ],
  ];
}
