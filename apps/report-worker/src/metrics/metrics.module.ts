import { Global, Module } from '@nestjs/common';
import { MetricsController } from './metrics.controller';
import { MongoCommandMetrics } from './mongo-command.metrics';
import { ReportMetrics } from './report.metrics';

/** One metrics registry for the process; global so any slice can record into it. */
@Global()
@Module({
  controllers: [MetricsController],
  providers: [ReportMetrics, MongoCommandMetrics],
  exports: [ReportMetrics],
})
export class MetricsModule {}
