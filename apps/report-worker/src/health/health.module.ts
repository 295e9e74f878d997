import { MongoReadHealthIndicator } from '@app/mongo';
import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller';
import { ReportBrokerHealthIndicator } from './report-broker.health-indicator';

@Module({
  imports: [TerminusModule.forRoot({ logger: false })],
  controllers: [HealthController],
  providers: [MongoReadHealthIndicator, ReportBrokerHealthIndicator],
})
export class HealthModule {}
