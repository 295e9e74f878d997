/** Injection token of the shared neo4j-driver Driver. */
export const NEO4J_DRIVER = Symbol('NEO4J_DRIVER');
