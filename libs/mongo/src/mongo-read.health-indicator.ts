import { withTimeout } from '@app/common';
import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { HealthIndicatorService } from '@nestjs/terminus';
import { Connection } from 'mongoose';

const READ_TIMEOUT_MS = 1000;

/**
 * Up when the store answers a real read (a primary-key lookup in `report_jobs`) within 1 s.
 * A `ping` is not enough: FerretDB answers it without touching its storage, so it says "up"
 * while its storage pool is exhausted and every write hangs (see docs/drills.md).
 */
@Injectable()
export class MongoReadHealthIndicator {
  constructor(
    @InjectConnection() private readonly connection: Connection,
    private readonly health: HealthIndicatorService,
  ) {}

  async check(key = 'mongodb') {
    const indicator = this.health.check(key);
    try {
      const jobs = this.connection.db?.collection('report_jobs');
      if (!jobs) return indicator.down({ message: 'not connected' });
      await withTimeout(
        jobs.findOne({ _id: '__readiness__' } as object, { projection: { _id: 1 } }),
        READ_TIMEOUT_MS,
        'read',
      );
      return indicator.up();
    } catch (error) {
      return indicator.down({ message: (error as Error).message });
    }
  }
}
