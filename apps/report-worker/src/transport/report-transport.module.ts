import { Module } from '@nestjs/common';
import { ReportsModule } from '../reports/reports.module';
import { ReportMessageController } from './report.message.controller';

/** The RabbitMQ side of the report slice: its message controller, over the report services. */
@Module({
  imports: [ReportsModule],
  controllers: [ReportMessageController],
})
export class ReportTransportModule {}
