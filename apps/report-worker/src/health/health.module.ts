import { MongoReadHealthIndicator } from '@app/mongo';
import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { ReportsModule } from '../reports/reports.module';
import { HealthController } from './health.controller';
import { ReportBrokerHealthIndicator } from './report-broker.health-indicator';
import { RequestHoldHealthIndicator } from './request-hold.health-indicator';

@Module({
  imports: [TerminusModule.forRoot({ logger: false }), ReportsModule],
  controllers: [HealthController],
  providers: [MongoReadHealthIndicator, ReportBrokerHealthIndicator, RequestHoldHealthIndicator],
})
export class HealthModule {}
