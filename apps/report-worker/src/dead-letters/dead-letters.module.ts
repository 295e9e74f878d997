import { ReportWorkerEnv, settingsModule } from '@app/config';
import {
  QueueAdminService,
  RabbitConnectionModule,
  ReportDeadLettersService,
  REPORT_TOPOLOGY,
  reportTopologyFrom,
} from '@app/messaging';
import { DynamicModule, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ReportProtectionModule } from '../protection/report-protection.module';
import { DeadLettersService } from './dead-letters.service';

/**
 * The dead-letter command's composition root: the report worker's settings, its queue names and
 * one AMQP connection that declares nothing, and the key ring that opens sealed dead letters. No
 * MongoDB, no Redis: the command works while they are down.
 */
@Module({})
export class DeadLettersModule {
  static forRoot(settings: ReportWorkerEnv): DynamicModule {
    return {
      module: DeadLettersModule,
      imports: [settingsModule(ReportWorkerEnv, settings), RabbitConnectionModule.forRoot(), ReportProtectionModule],
      providers: [
        QueueAdminService,
        ReportDeadLettersService,
        DeadLettersService,
        {
          provide: REPORT_TOPOLOGY,
          inject: [ConfigService],
          useFactory: reportTopologyFrom,
        },
      ],
    };
  }
}
