import { ArgumentMetadata, BadRequestException, ValidationPipe } from '@nestjs/common';
import { DistinctMessagesValidationPipe } from './distinct-messages.validation.pipe';
import { CreateEventBatchDto } from './events/create-event-batch.dto';
import { CreateEventDto } from './events/create-event.dto';

const OPTIONS = { whitelist: true, forbidNonWhitelisted: true, transform: true };

/** The same pipe with every body put through class-validator: what the API answered before compiled rules. */
class ClassValidatorOnlyPipe extends DistinctMessagesValidationPipe {
  protected validate(...args: Parameters<ValidationPipe['validate']>) {
    return ValidationPipe.prototype['validate'].apply(this, args);
  }
}

const event = {
  user_id: 7,
  product_id: 'p-1',
  event_type: 'view',
  user_session: 's-1',
};

const EVENTS: Array<Record<string, unknown>> = [
  event,
  { ...event, user_id: 'u-1', product_id: 0, price: 0, category: 'audio' },
  { ...event, event_id: 'e-1', timestamp: '2024-05-01T12:00:00Z' },
  { ...event, user_id: -1 },
  { ...event, user_id: 1.5 },
  { ...event, user_id: '' },
  { ...event, product_id: 'x'.repeat(129) },
  { ...event, event_type: 'click' },
  { ...event, user_session: undefined },
  { ...event, timestamp: '2024-W01' },
  { ...event, timestamp: 'yesterday' },
  { ...event, price: -0.5 },
  { ...event, price: '3' },
  { ...event, category: 'x'.repeat(257) },
  { ...event, event_id: '-e' },
  { ...event, surplus: true },
];

const BATCHES: unknown[] = [
  { events: [event] },
  { events: EVENTS.slice(0, 3) },
  { events: [event, { ...event, event_type: 'click' }] },
  { events: [] },
  { events: Array.from({ length: 1001 }, () => event) },
  { events: 'all of them' },
  { events: [event, 'an event'] },
  { events: [event], surplus: 1 },
];

async function outcome(pipe: ValidationPipe, body: unknown, metatype: ArgumentMetadata['metatype']) {
  try {
    return { value: await pipe.transform(structuredClone(body), { type: 'body', metatype }) };
  } catch (error) {
    return {
      status: (error as BadRequestException).getStatus(),
      response: (error as BadRequestException).getResponse(),
    };
  }
}

describe('the API validation pipe', () => {
  const pipe = new DistinctMessagesValidationPipe(OPTIONS);
  const reference = new ClassValidatorOnlyPipe(OPTIONS);

  it.each(EVENTS.map((body) => [JSON.stringify(body).slice(0, 80), body]))(
    'answers POST /events %s as class-validator does',
    async (_name, body) => {
      expect(await outcome(pipe, body, CreateEventDto)).toEqual(await outcome(reference, body, CreateEventDto));
    },
  );

  it.each(BATCHES.map((body) => [JSON.stringify(body).slice(0, 80), body]))(
    'answers POST /events/batch %s as class-validator does',
    async (_name, body) => {
      expect(await outcome(pipe, body, CreateEventBatchDto)).toEqual(
        await outcome(reference, body, CreateEventBatchDto),
      );
    },
  );

  it('puts a valid body through the compiled rules only, and an invalid one through class-validator', async () => {
    const classValidator = jest.spyOn(ValidationPipe.prototype as unknown as { validate: () => unknown }, 'validate');
    await pipe.transform({ ...event }, { type: 'body', metatype: CreateEventDto });
    await pipe.transform({ events: [event, event] }, { type: 'body', metatype: CreateEventBatchDto });
    expect(classValidator).not.toHaveBeenCalled();
    await expect(
      pipe.transform({ ...event, event_type: 'click' }, { type: 'body', metatype: CreateEventDto }),
    ).rejects.toThrow(BadRequestException);
    expect(classValidator).toHaveBeenCalledTimes(1);
    classValidator.mockRestore();
  });
});
