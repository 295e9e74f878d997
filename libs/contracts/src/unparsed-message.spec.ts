import { PoisonMessage } from './unparsed-message';
import { validateReportRequest } from './report-request.validation';

describe('PoisonMessage', () => {
  it('stands in for the delivery at the delivery limit, and for no earlier one', () => {
    expect(PoisonMessage.check({ 'x-delivery-count': 19 }, 20)).toBeUndefined();
    expect(PoisonMessage.check({}, 20)).toBeUndefined();
    expect(PoisonMessage.check({ 'x-delivery-count': 20 }, undefined)).toBeUndefined();
    const poison = PoisonMessage.check({ 'x-delivery-count': 20 }, 20)!;
    expect(poison.problem).toMatch(/^poison: delivered 21 times without being settled/);
    expect(validateReportRequest(poison)).toEqual({
      ok: false,
      problems: [poison.problem],
      request_id: '',
      user_id: '',
    });
  });
});
