import { HealthIndicatorService } from '@nestjs/terminus';
import { HoldStatus, RequestHoldService } from '../reports/request-hold.service';
import { RequestHoldHealthIndicator } from './request-hold.health-indicator';

describe('RequestHoldHealthIndicator', () => {
  const indicatorFor = (status: HoldStatus) =>
    new RequestHoldHealthIndicator({ status } as RequestHoldService, new HealthIndicatorService());

  it('adds nothing to readiness while no request is held', () => {
    expect(indicatorFor({ held: 0, causes: [] }).check()).toEqual({});
  });

  it('is down naming every cause while requests are held', () => {
    expect(
      indicatorFor({ held: 3, causes: ['LLM refuses our credentials (401)', 'MongoDB unreachable'] }).check(),
    ).toEqual({
      requests: { status: 'down', message: 'holding: LLM refuses our credentials (401); MongoDB unreachable', held: 3 },
    });
  });
});
