import { REPORT_GENERATE_EVENT_ROUTE } from '@app/contracts';
import { DeliveryOutcome } from '@app/messaging';
import { Logger } from '@nestjs/common';
import { RmqContext } from '@nestjs/microservices';
import { ReportAccessService } from '../access/report-access.service';
import { ReportQueryService } from '../reports/report-query.service';
import { ReportRequestService } from '../reports/report-request.service';
import { ReportMessageController } from './report.message.controller';
import { NO_REPLY_YET } from './report-rmq.server';

const message = {
  content: Buffer.from('{}'),
  fields: { deliveryTag: 1, redelivered: true, exchange: '', routingKey: 'requests' },
  properties: { headers: { 'x-attempt': 2 }, replyTo: 'amq.rabbitmq.reply-to' },
};

function setUp(process: () => Promise<DeliveryOutcome<unknown>>) {
  const channel = { ack: jest.fn(), nack: jest.fn() };
  const requests = { process: jest.fn(process) } as unknown as ReportRequestService;
  const controller = new ReportMessageController(requests, {} as ReportQueryService, {} as ReportAccessService);
  const ctx = new RmqContext([message, channel, REPORT_GENERATE_EVENT_ROUTE]);
  return { channel, requests, controller, ctx };
}

describe('ReportMessageController: carrying out a delivery outcome', () => {
  beforeEach(() => jest.spyOn(Logger.prototype, 'error').mockImplementation());
  afterEach(() => jest.restoreAllMocks());

  it('hands the service the delivery as the pipeline reads it', async () => {
    const { requests, controller, ctx } = setUp(async () => ({ kind: 'ack' }));
    await controller.generate({}, ctx);
    expect(requests.process).toHaveBeenCalledWith(
      {},
      { content: message.content, properties: message.properties, redelivered: true, routingKey: 'requests' },
      'caller',
    );
  });

  it('reply: acks and gives Nest the answer', async () => {
    const { channel, controller, ctx } = setUp(async () => ({ kind: 'reply', body: { status: 'success' } }));
    await expect(controller.generate({}, ctx)).resolves.toEqual({ status: 'success' });
    expect(channel.ack).toHaveBeenCalledWith(message);
    expect(channel.nack).not.toHaveBeenCalled();
  });

  it('ack: acks with no answer yet', async () => {
    const { channel, controller, ctx } = setUp(async () => ({ kind: 'ack' }));
    await expect(controller.generate({}, ctx)).resolves.toBe(NO_REPLY_YET);
    expect(channel.ack).toHaveBeenCalledWith(message);
  });

  it('requeue, or an error that escaped the service: hands the delivery back, no answer, no ack', async () => {
    for (const process of [
      async (): Promise<DeliveryOutcome<unknown>> => ({ kind: 'requeue', reason: 'broker away' }),
      async (): Promise<DeliveryOutcome<unknown>> => Promise.reject(new Error('bug')),
    ]) {
      const { channel, controller, ctx } = setUp(process);
      await expect(controller.generate({}, ctx)).resolves.toBe(NO_REPLY_YET);
      expect(channel.nack).toHaveBeenCalledWith(message, false, true);
      expect(channel.ack).not.toHaveBeenCalled();
    }
  });
});
