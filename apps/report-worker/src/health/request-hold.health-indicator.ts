import { Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { RequestHoldService } from '../reports/request-hold.service';

/**
 * Readiness while requests are held (MongoDB unreachable, the LLM refusing our settings): down,
 * naming the cause, e.g. `holding: LLM refuses our credentials (401)`, until every held request
 * has gone through. Nothing held: no entry at all, so the body lists only the dependencies.
 */
@Injectable()
export class RequestHoldHealthIndicator {
  constructor(
    private readonly hold: RequestHoldService,
    private readonly health: HealthIndicatorService,
  ) {}

  check(key = 'requests'): HealthIndicatorResult {
    const { held, causes } = this.hold.status;
    if (held === 0) return {};
    return this.health.check(key).down({ message: `holding: ${causes.join('; ')}`, held });
  }
}
