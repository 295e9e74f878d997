import { ReportWorkerEnv } from '@app/config';
import { DynamicModule, Module } from '@nestjs/common';
import { RedisStoreModule } from '../cache/redis-store.module';
import { KeyRotationService } from './key-rotation.service';
import { ReportStoreModule } from '../operator/report-store.module';

/**
 * The key rotation command's composition root: the report store (settings, key ring, MongoDB)
 * and Redis. Built by a function so the key ring is read when the command starts, not at import: the
 * command passes the settings it loaded; without them (a test) they are read from the environment.
 */
@Module({})
export class KeyRotationModule {
  static forRoot(settings?: ReportWorkerEnv): DynamicModule {
    return {
      module: KeyRotationModule,
      imports: [ReportStoreModule.forRoot(settings), RedisStoreModule],
      providers: [KeyRotationService],
    };
  }
}
