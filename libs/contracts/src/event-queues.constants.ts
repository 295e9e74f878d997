/** Exchange and queues of the event pipeline (seed 002). */
export const EVENT_TOPOLOGY = {
  exchange: 'events',
  neo4jQueue: 'events.neo4j',
  qdrantQueue: 'events.qdrant',
  deadLetterQueue: 'events.dlq',
} as const;
