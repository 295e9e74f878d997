import { ClassConstructor } from 'class-transformer';
import { getMetadataStorage } from 'class-validator';

/**
 * Settings that say where things are (the drills' own services, queue names and topology prefix,
 * ports, the fake LLM, credentials), not how the app behaves: a drill must set them, so they are
 * not overrides of the shipped defaults.
 */
const WIRING = new Set([
  'PORT',
  'HEALTH_PORT',
  'WORKER_NAME',
  'RABBITMQ_URL',
  'RABBITMQ_REQUEST_QUEUE',
  'RABBITMQ_RESPONSE_QUEUE',
  'EVENTS_TOPOLOGY_PREFIX',
  'MONGODB_URI',
  'REDIS_URL',
  'NEO4J_URI',
  'NEO4J_USER',
  'NEO4J_PASSWORD',
  'QDRANT_URL',
  'QDRANT_API_KEY',
  'OPENAI_API_KEY',
  'OPENAI_BASE_URL',
  'ADMIN_TOKEN',
  'REPORT_ENCRYPTION_KEYS',
  'REPORT_CONTENT_HMAC_KEY',
]);
const SECRET = /PASSWORD|TOKEN|SECRET|_KEYS?$/;

/** Every setting a settings class validates (its class-validator properties). */
function settingNames(schema: ClassConstructor<object>): Set<string> {
  return new Set(
    getMetadataStorage()
      .getTargetValidationMetadatas(schema, '', true, false)
      .map((m) => m.propertyName),
  );
}

/**
 * The settings of `schema` that an app process gets other than the shipped defaults: those the
 * drill sets on purpose and those inherited from the environment `npm run drills` ran in. Each as
 * `NAME=value`, the inherited ones marked, so the table can state them.
 */
export function settingOverrides(
  schema: ClassConstructor<object>,
  explicit: Record<string, string>,
  inherited: NodeJS.ProcessEnv,
): string[] {
  const names = settingNames(schema);
  const shown = (name: string, value: string) => `${name}=${SECRET.test(name) ? '(hidden)' : value}`;
  const own = Object.entries(explicit).filter(([name]) => names.has(name) && !WIRING.has(name));
  const fromCaller = Object.entries(inherited).filter(
    ([name, value]) =>
      names.has(name) && !WIRING.has(name) && !(name in explicit) && value !== undefined && value !== '',
  );
  return [
    ...own.map(([name, value]) => shown(name, value)),
    ...fromCaller.map(([name, value]) => `${shown(name, value!)} (from the caller's environment)`),
  ];
}
