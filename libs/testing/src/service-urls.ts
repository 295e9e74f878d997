import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseEnv } from 'node:util';

/** Where the services of `npm run services:up` listen; override with the same env vars the apps read. */
export const serviceUrls = {
  rabbitmq: process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672',
  rabbitmqManagement: process.env.RABBITMQ_MANAGEMENT_URL ?? 'http://guest:guest@127.0.0.1:15672',
  mongodb: process.env.MONGODB_URI ?? 'mongodb://127.0.0.1:27017/medical_reports',
  redis: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  neo4j: process.env.NEO4J_URI ?? 'bolt://127.0.0.1:7687',
  neo4jUser: process.env.NEO4J_USER ?? 'neo4j',
  neo4jPassword: process.env.NEO4J_PASSWORD ?? 'neo4j-password',
};

/** A name no other spec or run uses, for queues, collections and databases. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
}

/**
 * The apps' settings for the TLS listeners of `npm run services:up -- --tls` (URLs with the
 * generated passwords, the CA and client certificate paths), which the script writes under the
 * services' state: SERVICES_STATE_DIR as for the scripts, or TEST_TLS_STACK_ENV naming the file.
 */
export const tlsStackEnvFile =
  process.env.TEST_TLS_STACK_ENV ??
  resolve(process.env.SERVICES_STATE_DIR ?? resolve(__dirname, '../../../.services'), 'tls/tls-stack.env');

/** The TLS stack's settings; throws, naming the fix, where it was never started. */
export function tlsStackSettings(): Record<string, string> {
  if (!existsSync(tlsStackEnvFile)) {
    throw new Error(
      `No TLS stack settings at ${tlsStackEnvFile}: start the TLS listeners with \`npm run services:up -- --tls\``,
    );
  }
  return parseEnv(readFileSync(tlsStackEnvFile, 'utf8')) as Record<string, string>;
}
