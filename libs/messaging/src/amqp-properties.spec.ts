import { boundedPublishOptions } from './amqp-properties';

describe('boundedPublishOptions', () => {
  it('drops short-string properties over 255 bytes of UTF-8, whatever their length in characters', () => {
    const options = boundedPublishOptions({
      correlationId: 'é'.repeat(150),
      messageId: 'm'.repeat(255),
      type: 'report.success',
      persistent: true,
    });
    expect(options).toEqual({ messageId: 'm'.repeat(255), type: 'report.success', persistent: true });
  });

  it('drops header names that do not fit and keeps long header values', () => {
    const options = boundedPublishOptions({ headers: { ['k'.repeat(256)]: 1, 'x-reason': 'r'.repeat(5000) } });
    expect(options.headers).toEqual({ 'x-reason': 'r'.repeat(5000) });
  });

  it('leaves options that fit as they are', () => {
    const options = { correlationId: 'r-1', replyTo: 'amq.rabbitmq.reply-to', headers: { 'x-attempt': 2 } };
    expect(boundedPublishOptions(options)).toEqual(options);
  });
});
