import { REPORT_GENERATE_EVENT_ROUTE } from '@app/contracts';
import { DeliveryOutcome } from '@app/messaging';
import { Logger } from '@nestjs/common';
import { RmqContext } from '@nestjs/microservices';
import { ReportAccessService } from '../access/report-access.service';
import { ReportQueryService } from '../reports/report-query.service';
import { ReportRequestService } from '../reports/report-request.service';
import { lastValueFrom, toArray } from 'rxjs';
import { ProgressSink } from '../reports/report-progress.stream';
import { ReportMetrics } from '../metrics/report.metrics';
import { ReportMessageController } from './report.message.controller';
import { NO_REPLY_YET } from './report-rmq.server';

const message = {
  content: Buffer.from('{}'),
  fields: { deliveryTag: 1, redelivered: true, exchange: '', routingKey: 'requests' },
  properties: { headers: { 'x-attempt': 2 }, replyTo: 'amq.rabbitmq.reply-to' },
};

type Process = (
  body: unknown,
  delivery: unknown,
  mode: string,
  onProgress: ProgressSink,
) => Promise<DeliveryOutcome<unknown>>;

function setUp(process: Process) {
  const channel = { ack: jest.fn(), nack: jest.fn() };
  const requests = { process: jest.fn(process) } as unknown as ReportRequestService;
  const controller = new ReportMessageController(
    requests,
    {} as ReportQueryService,
    {} as ReportAccessService,
    new ReportMetrics(),
  );
  const ctx = new RmqContext([message, channel, REPORT_GENERATE_EVENT_ROUTE]);
  /** Everything the handler hands Nest to send to the caller, in order. */
  const replies = () => lastValueFrom(controller.generate({}, ctx).pipe(toArray()));
  return { channel, requests, controller, ctx, replies };
}

describe('ReportMessageController: carrying out a delivery outcome', () => {
  beforeEach(() => jest.spyOn(Logger.prototype, 'error').mockImplementation());
  afterEach(() => jest.restoreAllMocks());

  it('hands the service the delivery as the pipeline reads it', async () => {
    const { requests, replies } = setUp(async () => ({ kind: 'ack' }));
    await replies();
    expect(requests.process).toHaveBeenCalledWith(
      {},
      { content: message.content, properties: message.properties, redelivered: true, routingKey: 'requests' },
      'caller',
      expect.any(Function),
    );
  });

  it('reply: acks and gives Nest the answer', async () => {
    const { channel, replies } = setUp(async () => ({ kind: 'reply', body: { status: 'success' } }));
    await expect(replies()).resolves.toEqual([{ status: 'success' }]);
    expect(channel.ack).toHaveBeenCalledWith(message);
    expect(channel.nack).not.toHaveBeenCalled();
  });

  it('ack: acks with no answer yet', async () => {
    const { channel, replies } = setUp(async () => ({ kind: 'ack' }));
    await expect(replies()).resolves.toEqual([NO_REPLY_YET]);
    expect(channel.ack).toHaveBeenCalledWith(message);
  });

  it('requeue, or an error that escaped the service: hands the delivery back, no answer, no ack', async () => {
    for (const process of <Process[]>[
      async (): Promise<DeliveryOutcome<unknown>> => ({ kind: 'requeue', reason: 'broker away' }),
      async (): Promise<DeliveryOutcome<unknown>> => Promise.reject(new Error('bug')),
    ]) {
      const { channel, replies } = setUp(process);
      await expect(replies()).resolves.toEqual([NO_REPLY_YET]);
      expect(channel.nack).toHaveBeenCalledWith(message, false, true);
      expect(channel.ack).not.toHaveBeenCalled();
    }
  });

  it('progress: each value goes to the caller as it comes, the answer last, after the ack', async () => {
    const progress = (sequence: number) => ({
      request_id: 'r-1',
      status: 'in_progress' as const,
      section: 'cholesterol',
      section_index: 0,
      text_delta: `part ${sequence}`,
      sequence,
    });
    let ackedBeforeAnswer = false;
    const later = () => new Promise((resolve) => setImmediate(resolve));
    const { channel, replies } = setUp(async (_body, _delivery, _mode, onProgress) => {
      await later(); // the first text comes after the job is claimed, never before Nest listens
      onProgress(progress(1));
      await later();
      onProgress(progress(2));
      return { kind: 'reply', body: { status: 'success' } };
    });
    channel.ack.mockImplementation(() => (ackedBeforeAnswer = true));
    await expect(replies()).resolves.toEqual([progress(1), progress(2), { status: 'success' }]);
    expect(ackedBeforeAnswer).toBe(true);
  });
});
