/** The ELBv2 service (Version 2015-12-01): every action handler, answering in awsQuery shape. */

import { listenerHandlers } from './elbv2-listeners.js';
import { loadBalancerHandlers } from './elbv2-load-balancers.js';
import { tagHandlers } from './elbv2-tags.js';
import { targetGroupHandlers } from './elbv2-target-groups.js';
import { targetHandlers } from './elbv2-targets.js';
import { targetGroupAttributeHandlers } from './elbv2-tg-attributes.js';
import { renderQueryError, renderQueryResult, type ServiceDef } from './protocols.js';

/** ELBv2 as served by the fake. */
export const elbv2Service: ServiceDef = {
  name: 'elbv2',
  version: '2015-12-01',
  handlers: {
    ...loadBalancerHandlers,
    ...targetGroupHandlers,
    ...listenerHandlers,
    ...targetHandlers,
    ...tagHandlers,
    ...targetGroupAttributeHandlers,
  },
  throttle: { code: 'Throttling', status: 400 },
  renderResult: renderQueryResult,
  renderError: renderQueryError,
};
