/**
 * The request shapes of Qdrant's REST API (v1.x) that the fake accepts, checked strictly: an
 * unknown field, a wrong type or a bad point id is a 400, like a real server, so a client call
 * that Qdrant would refuse fails the test too.
 */
export type Problem = string;

const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const DISTANCES = ['Cosine', 'Euclid', 'Dot', 'Manhattan'];

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function unknownKeys(body: Record<string, unknown>, allowed: string[]): Problem[] {
  return Object.keys(body)
    .filter((key) => !allowed.includes(key))
    .map((key) => `unknown field "${key}"`);
}

/** Point ids are unsigned 64-bit integers or UUIDs; the canonical form is what Qdrant returns. */
export function canonicalId(id: unknown): string | number | undefined {
  if (typeof id === 'number' && Number.isSafeInteger(id) && id >= 0) return id;
  if (typeof id === 'string' && UUID.test(id)) {
    const hex = id.replace(/-/g, '').toLowerCase();
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }
  return undefined;
}

export interface VectorParams {
  size: number;
  distance: string;
}
/** Unnamed (one VectorParams) or named (a map of them). */
export type VectorsConfig = VectorParams | Record<string, VectorParams>;

function vectorParamsProblems(value: unknown, where: string): Problem[] {
  if (!isObject(value)) return [`${where} must be an object`];
  const problems = unknownKeys(value, [
    'size',
    'distance',
    'on_disk',
    'hnsw_config',
    'quantization_config',
    'datatype',
    'multivector_config',
  ]);
  if (!Number.isInteger(value.size) || (value.size as number) < 1)
    problems.push(`${where}.size must be a positive integer`);
  if (!DISTANCES.includes(value.distance as string))
    problems.push(`${where}.distance must be one of ${DISTANCES.join(', ')}`);
  return problems;
}

export function createCollectionProblems(body: unknown): Problem[] {
  if (!isObject(body)) return ['body must be an object'];
  const problems = unknownKeys(body, [
    'vectors',
    'shard_number',
    'sharding_method',
    'replication_factor',
    'write_consistency_factor',
    'on_disk_payload',
    'hnsw_config',
    'wal_config',
    'optimizers_config',
    'quantization_config',
    'sparse_vectors',
    'strict_mode_config',
  ]);
  const vectors = body.vectors;
  if (vectors === undefined) return problems;
  if (isObject(vectors) && 'size' in vectors) return [...problems, ...vectorParamsProblems(vectors, 'vectors')];
  if (!isObject(vectors)) return [...problems, 'vectors must be an object'];
  return [
    ...problems,
    ...Object.entries(vectors).flatMap(([name, params]) => vectorParamsProblems(params, `vectors.${name}`)),
  ];
}

function vectorProblems(vector: unknown, config: VectorsConfig, where: string): Problem[] {
  const isNumbers = (v: unknown, size: number) =>
    Array.isArray(v) && v.length === size && v.every((x) => typeof x === 'number' && Number.isFinite(x));
  if ('size' in config && typeof config.size === 'number') {
    return isNumbers(vector, config.size) ? [] : [`${where} must be ${config.size} finite numbers`];
  }
  if (!isObject(vector)) return [`${where} must be an object of named vectors`];
  const named = config as Record<string, VectorParams>;
  return Object.entries(vector).flatMap(([name, value]) => {
    if (!named[name]) return [`${where}: vector name "${name}" is not in the collection`];
    return isNumbers(value, named[name].size) ? [] : [`${where}.${name} must be ${named[name].size} finite numbers`];
  });
}

export function upsertProblems(body: unknown, config: VectorsConfig): Problem[] {
  if (!isObject(body)) return ['body must be an object'];
  const problems = unknownKeys(body, ['points', 'shard_key', 'update_filter']);
  if (!Array.isArray(body.points) || body.points.length === 0) return [...problems, 'points must be a non-empty array'];
  body.points.forEach((point, index) => {
    const where = `points[${index}]`;
    if (!isObject(point)) return problems.push(`${where} must be an object`);
    problems.push(...unknownKeys(point, ['id', 'vector', 'payload']).map((p) => `${where}: ${p}`));
    if (canonicalId(point.id) === undefined) problems.push(`${where}.id must be an unsigned integer or a UUID`);
    problems.push(...vectorProblems(point.vector, config, `${where}.vector`));
    if (point.payload !== undefined && point.payload !== null && !isObject(point.payload))
      problems.push(`${where}.payload must be an object`);
  });
  return problems;
}

function selectorProblems(value: unknown, name: string): Problem[] {
  if (value === undefined || typeof value === 'boolean') return [];
  if (Array.isArray(value) && value.every((x) => typeof x === 'string')) return [];
  if (name === 'with_payload' && isObject(value)) return [];
  return [`${name} must be a boolean or a list of names`];
}

export function retrieveProblems(body: unknown): Problem[] {
  if (!isObject(body)) return ['body must be an object'];
  const problems = unknownKeys(body, ['ids', 'with_payload', 'with_vector', 'shard_key']);
  if (!Array.isArray(body.ids)) problems.push('ids must be an array');
  else
    body.ids.forEach(
      (id, index) =>
        canonicalId(id) === undefined && problems.push(`ids[${index}] must be an unsigned integer or a UUID`),
    );
  return [
    ...problems,
    ...selectorProblems(body.with_payload, 'with_payload'),
    ...selectorProblems(body.with_vector, 'with_vector'),
  ];
}

export function setPayloadProblems(body: unknown): Problem[] {
  if (!isObject(body)) return ['body must be an object'];
  const problems = unknownKeys(body, ['payload', 'points', 'filter', 'key', 'shard_key']);
  if (!isObject(body.payload)) problems.push('payload must be an object');
  if (
    body.points !== undefined &&
    (!Array.isArray(body.points) || body.points.some((id) => canonicalId(id) === undefined))
  ) {
    problems.push('points must be a list of unsigned integers or UUIDs');
  }
  return problems;
}
