/**
 * Hostile bodies for POST /events and /events/batch (the `hostile-input` drill): wrong types, missing and unknown
 * fields, huge bodies, deep nesting, invalid UTF-8, wrong content types, garbage. Deterministic
 * (seeded), so a failing case can be reproduced by its index.
 */
export interface HostileCase {
  kind: string;
  path: '/events' | '/events/batch';
  contentType?: string;
  body: Buffer;
  /** A word the 4xx answer must contain (the field or the problem), when we know it. */
  names?: string;
}

const FIELDS = [
  'user_id',
  'product_id',
  'event_type',
  'user_session',
  'timestamp',
  'price',
  'category',
  'event_id',
] as const;
const REQUIRED = ['user_id', 'product_id', 'event_type', 'user_session'];
const WRONG_VALUES: unknown[] = [
  true,
  false,
  null,
  [],
  {},
  [1, 2],
  { a: 1 },
  -1,
  1.5,
  1e308,
  '',
  ' ',
  'x'.repeat(5000),
  '\u0000',
  '😀'.repeat(100),
  '2024-13-45',
  'purchase; DROP',
  -0.0001,
  '<script>',
];

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function valid(i: number): Record<string, unknown> {
  return {
    event_id: `fuzz-${i}`,
    user_id: `fuzz-u${i % 10}`,
    product_id: `fuzz-p${i % 10}`,
    event_type: 'view',
    user_session: 's1',
  };
}

const json = (value: unknown) => Buffer.from(JSON.stringify(value));

function nested(depth: number): string {
  return `${'['.repeat(depth)}1${']'.repeat(depth)}`;
}

/** The fixed catalogue: every field × every wrong value, every missing field, and the odd shapes. */
function catalogue(): HostileCase[] {
  const cases: HostileCase[] = [];
  for (const field of FIELDS) {
    for (const value of WRONG_VALUES)
      cases.push({ kind: 'wrong type', path: '/events', body: json({ ...valid(0), [field]: value }), names: field });
  }
  for (const field of REQUIRED) {
    const body = valid(0);
    delete body[field];
    cases.push({ kind: 'missing field', path: '/events', body: json(body), names: field });
  }
  cases.push(
    { kind: 'unknown field', path: '/events', body: json({ ...valid(0), colour: 'red' }), names: 'colour' },
    // Refused by the JSON parser, before validation (apps/event-ingest/src/json-body.parser.ts).
    {
      kind: 'prototype poisoning',
      path: '/events',
      body: json({ ...valid(0), constructor: { prototype: { admin: true } } }),
      names: 'constructor.prototype',
    },
    { kind: 'huge body', path: '/events', body: json({ ...valid(0), category: 'x'.repeat(3 * 1024 * 1024) }) },
    {
      kind: 'huge body',
      path: '/events/batch',
      body: json({ events: Array.from({ length: 1001 }, (_, i) => valid(i)) }),
      names: 'events',
    },
    {
      kind: 'huge body',
      path: '/events/batch',
      body: json({ events: Array.from({ length: 12000 }, (_, i) => valid(i)) }),
    },
    { kind: 'deep nesting', path: '/events', body: Buffer.from(`{"user_id": ${nested(5000)}}`) },
    { kind: 'deep nesting', path: '/events', body: Buffer.from(nested(100000)) },
    { kind: 'deep nesting', path: '/events', body: Buffer.from(`${'{"a":'.repeat(20000)}1${'}'.repeat(20000)}`) },
    {
      kind: 'deep nesting',
      path: '/events/batch',
      body: Buffer.from(`{"events": [${'{"events":['.repeat(3000)}${']}'.repeat(3000)}]}`),
    },
    {
      kind: 'invalid utf-8',
      path: '/events',
      body: Buffer.concat([
        Buffer.from('{"user_id":"'),
        Buffer.from([0xff, 0xfe, 0xc3, 0x28]),
        Buffer.from('","product_id":"p","event_type":"view","user_session":"s"}'),
      ]),
    },
    { kind: 'invalid utf-8', path: '/events', body: Buffer.from([0xef, 0xbb, 0xbf, 0x7b, 0x80, 0x7d]) },
    { kind: 'garbage', path: '/events', body: Buffer.from('') },
    { kind: 'garbage', path: '/events', body: Buffer.from('null') },
    { kind: 'garbage', path: '/events', body: Buffer.from('[]') },
    { kind: 'garbage', path: '/events', body: Buffer.from('"just a string"') },
    { kind: 'garbage', path: '/events', body: Buffer.from('{"user_id": "u", ') },
    { kind: 'garbage', path: '/events', body: Buffer.from('{"__proto__": {"polluted": true}, "user_id": "u"}') },
    { kind: 'garbage', path: '/events/batch', body: json({ events: 'nope' }), names: 'events' },
    { kind: 'garbage', path: '/events/batch', body: json({ events: [] }), names: 'events' },
    {
      kind: 'garbage',
      path: '/events/batch',
      body: json({ events: [valid(1), { ...valid(2), event_type: 'teleport' }] }),
      names: 'events.1.event_type',
    },
    { kind: 'garbage', path: '/events/batch', body: json({ events: [null, 1, 'x'] }), names: 'events' },
  );
  for (const contentType of [
    'text/plain',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    'application/xml',
    'application/json; charset=latin1',
    'image/png',
    '',
  ]) {
    cases.push({ kind: 'wrong content type', path: '/events', contentType, body: json(valid(0)) });
    cases.push({ kind: 'wrong content type', path: '/events/batch', contentType, body: json({ events: [valid(0)] }) });
  }
  return cases;
}

/** `count` cases: the catalogue, then random mutations of valid events (1 to 3 fields broken each). */
export function hostileCases(count: number, seed = 5): HostileCase[] {
  const random = rng(seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)];
  const cases = catalogue();
  while (cases.length < count) {
    const i = cases.length;
    const body = valid(i);
    const broken: string[] = [];
    for (let k = 1 + Math.floor(random() * 3); k > 0; k--) {
      const field = pick(FIELDS);
      if (random() < 0.3 && REQUIRED.includes(field)) delete body[field];
      else body[field] = pick(WRONG_VALUES);
      broken.push(field);
    }
    if (random() < 0.2) body[`extra_${i % 7}`] = pick(WRONG_VALUES);
    const batch = random() < 0.3;
    cases.push({
      kind: 'mutation',
      path: batch ? '/events/batch' : '/events',
      body: json(batch ? { events: [valid(i + 1), body] } : body),
      // Some mutations are valid after all (e.g. user_id 0): only a 4xx must name the field.
      names: batch ? 'events.1' : undefined,
    });
  }
  return cases;
}
