import 'reflect-metadata';
import { CreateEventDto } from './create-event.dto';
import { toMessage } from './event-ingest.service';

describe('toMessage', () => {
  const received = new Date('2024-05-01T12:00:00.000Z');
  const dto = { user_id: '1', product_id: '100', event_type: 'view', user_session: 's' } as CreateEventDto;

  it('assigns an event_id and the receive time when the client sent none', () => {
    const message = toMessage(dto, received);
    expect(message.event_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(message.timestamp).toBe('2024-05-01T12:00:00.000Z');
    expect(message).not.toHaveProperty('price');
  });

  it("keeps the client's event_id and normalises its timestamp to UTC", () => {
    const message = toMessage({ ...dto, event_id: 'abc', timestamp: '2024-05-01T14:00:00+02:00', price: 0 }, received);
    expect(message).toMatchObject({ event_id: 'abc', timestamp: '2024-05-01T12:00:00.000Z', price: 0 });
  });
});
