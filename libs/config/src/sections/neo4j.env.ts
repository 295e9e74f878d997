import { IsString, Matches } from 'class-validator';

export class Neo4jEnv {
  @Matches(/^(bolt|neo4j)(\+s|\+ssc)?:\/\/[^\s]+$/, { message: '$property must be a bolt:// or neo4j:// URI' })
  NEO4J_URI = 'bolt://127.0.0.1:7687';

  @IsString()
  NEO4J_USER = 'neo4j';

  @IsString()
  NEO4J_PASSWORD = 'neo4j-password';
}
