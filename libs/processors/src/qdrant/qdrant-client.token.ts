/** Injection token of the shared QdrantClient. */
export const QDRANT_CLIENT = Symbol('QDRANT_CLIENT');
