export * from './neo4j/neo4j-driver.module';
export * from './neo4j/neo4j-driver.token';
export * from './neo4j/neo4j.health-indicator';
