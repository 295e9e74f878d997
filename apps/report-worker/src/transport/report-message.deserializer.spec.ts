import { REPORT_GENERATE_EVENT_ROUTE } from '@app/contracts';
import { ReportMessageDeserializer } from './report-message.deserializer';

describe('ReportMessageDeserializer', () => {
  const deserializer = new ReportMessageDeserializer();

  it('maps a raw seed-format request (no pattern) to the generate event route', () => {
    const body = { request_id: 'r1', user_id: 'u1' };
    expect(deserializer.deserialize(body, {})).toEqual({ pattern: REPORT_GENERATE_EVENT_ROUTE, data: body });
  });

  it('maps a body that was not JSON to the generate event route, so it is dead-lettered', () => {
    expect(deserializer.deserialize('{oops', {})).toEqual({ pattern: REPORT_GENERATE_EVENT_ROUTE, data: '{oops' });
  });

  it('keeps Nest send() packets and routes Nest emit() of report.generate to the event route', () => {
    expect(deserializer.deserialize({ pattern: 'report.generate', data: 1, id: 'x' })).toEqual({
      pattern: 'report.generate',
      data: 1,
      id: 'x',
    });
    expect(deserializer.deserialize({ pattern: 'report.generate', data: 1 })).toEqual({
      pattern: REPORT_GENERATE_EVENT_ROUTE,
      data: 1,
    });
  });

  it('turns a plain {pattern, data} with reply_to into a request answered to reply_to', () => {
    expect(
      deserializer.deserialize({ pattern: 'report.status', data: {} }, { replyTo: 'q', correlationId: 'c1' }),
    ).toEqual({
      pattern: 'report.status',
      data: {},
      id: 'c1',
    });
  });
});
