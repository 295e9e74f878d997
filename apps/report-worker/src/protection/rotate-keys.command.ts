import { createJsonLogger, loadSettingsOrExit, ReportWorkerEnv } from '@app/config';
import { NestFactory } from '@nestjs/core';
import { KeyRotationModule } from './key-rotation.module';
import { KeyRotationService } from './key-rotation.service';

/**
 * `npm run keys:rotate`: moves every stored report to the current key of REPORT_ENCRYPTION_KEYS
 * (the first) and drops cached copies sealed under older ones. Safe to run while workers run and
 * to run again. Prints one JSON document; exit 0 done, 78 bad setting, 1 a store unreachable or a
 * value sealed under a key missing from the ring.
 */
async function main(): Promise<void> {
  const settings = loadSettingsOrExit(ReportWorkerEnv);
  const app = await NestFactory.createApplicationContext(KeyRotationModule.forRoot(settings), {
    logger: createJsonLogger(settings.LOG_LEVEL === 'log' ? 'warn' : settings.LOG_LEVEL),
  });
  let result: unknown;
  try {
    result = await app.get(KeyRotationService).rotate();
  } finally {
    await app.close();
  }
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

main().catch((error: Error) => {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
});
