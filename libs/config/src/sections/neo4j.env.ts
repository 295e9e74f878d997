import { IsString, Matches } from 'class-validator';

export class Neo4jEnv {
  @Matches(/^(bolt|neo4j)(\+s|\+ssc)?:\/\/[^\s]+$/, { message: '$property must be a bolt:// or neo4j:// URI' })
  NEO4J_URI = 'bolt://127.0.0.1:7687';

  @IsString()
  NEO4J_USER = 'neo4j';

  @IsString()
  NEO4J_PASSWORD = 'neo4j-password';

  @Matches(/^[A-Za-z][A-Za-z0-9.-]{0,62}$/, { message: '$property must be a Neo4j database name' })
  NEO4J_DATABASE = 'neo4j';
}
