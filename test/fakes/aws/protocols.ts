/**
 * The two wire envelopes. awsQuery (ELBv2) wraps results in `<XResponse><XResult>` and errors in
 * `<ErrorResponse><Error>`; ec2Query (EC2) puts results directly under `<XResponse>` and errors in
 * `<Response><Errors><Error>`. The SDK's parsers key on exactly these names.
 */
import type { AwsFault } from './errors.js';
import type { Params } from './form.js';
import type { FakeState } from './state.js';
import { renderDocument, renderElement, type XmlChild } from './xml.js';

/** What a handler gets for one call. */
export interface CallContext {
  state: FakeState;
  params: Params;
  action: string;
}

/** An action handler: returns the result elements, or throws an `AwsFault`. */
export type Handler = (ctx: CallContext) => readonly XmlChild[];

/** One service served by the fake, selected by the `Version` form parameter. */
export interface ServiceDef {
  name: string;
  version: string;
  handlers: Readonly<Record<string, Handler>>;
  /** The code and status this service uses for throttling. */
  throttle: { code: string; status: number };
  renderResult(action: string, result: readonly XmlChild[], requestId: string): string;
  renderError(fault: AwsFault, requestId: string): string;
}

const QUERY_NS = 'http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/';
const EC2_NS = 'http://ec2.amazonaws.com/doc/2016-11-15/';

/** awsQuery success body. */
export function renderQueryResult(action: string, result: readonly XmlChild[], requestId: string): string {
  return renderDocument(
    `${action}Response`,
    [
      [`${action}Result`, result],
      ['ResponseMetadata', [['RequestId', requestId]]],
    ],
    QUERY_NS,
  );
}

/** awsQuery error body. */
export function renderQueryError(fault: AwsFault, requestId: string): string {
  return renderDocument(
    'ErrorResponse',
    [
      [
        'Error',
        [
          ['Type', fault.faultType],
          ['Code', fault.code],
          ['Message', fault.message],
        ],
      ],
      ['RequestId', requestId],
    ],
    QUERY_NS,
  );
}

/** ec2Query success body. */
export function renderEc2Result(action: string, result: readonly XmlChild[], requestId: string): string {
  return renderDocument(`${action}Response`, [['requestId', requestId], ...result], EC2_NS);
}

/** ec2Query error body (no namespace, `RequestID` spelled as EC2 spells it). */
export function renderEc2Error(fault: AwsFault, requestId: string): string {
  const errors: XmlChild[] = [
    [
      'Error',
      [
        ['Code', fault.code],
        ['Message', fault.message],
      ],
    ],
  ];
  const body = renderElement('Response', [
    ['Errors', errors],
    ['RequestID', requestId],
  ]);
  return `<?xml version="1.0" encoding="UTF-8"?>\n${body}`;
}
