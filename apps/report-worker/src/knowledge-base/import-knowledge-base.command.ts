import { createJsonLogger, loadSettingsOrExit, ReportWorkerEnv } from '@app/config';
import { KnowledgeBaseRepository } from '@app/mongo';
import { NestFactory } from '@nestjs/core';
import { readFile } from 'node:fs/promises';
import { ReportStoreModule } from '../operator/report-store.module';
import { parseKnowledgeBaseFile } from './knowledge-base-file.parser';

/**
 * `node dist/apps/report-worker/apps/report-worker/src/knowledge-base/import-knowledge-base.command.js FILE`
 * Loads a JSON array of entries into `knowledge_base` (MONGODB_URI), upserting by id: running it
 * twice changes nothing the second time. Exit code 1 on a bad file or an unreachable database.
 */
async function main(file: string | undefined): Promise<void> {
  const settings = loadSettingsOrExit(ReportWorkerEnv);
  const logger = createJsonLogger(settings.LOG_LEVEL);
  if (!file) {
    logger.error('usage: import-knowledge-base.command.js <file.json>', 'KnowledgeBaseImport');
    process.exit(64);
  }
  const entries = parseKnowledgeBaseFile(await readFile(file, 'utf8'));
  const app = await NestFactory.createApplicationContext(ReportStoreModule.forRoot(settings), { logger });
  try {
    const summary = await app.get(KnowledgeBaseRepository).upsertMany(entries);
    logger.log(
      { message: 'knowledge base imported', file, entries: entries.length, ...summary },
      'KnowledgeBaseImport',
    );
  } finally {
    await app.close();
  }
}

main(process.argv[2]).catch((error: Error) => {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
});
