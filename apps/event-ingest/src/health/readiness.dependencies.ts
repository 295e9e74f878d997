export type ReadinessDependency = 'rabbitmq' | 'neo4j' | 'qdrant';

export const READINESS_DEPENDENCIES = Symbol('READINESS_DEPENDENCIES');
