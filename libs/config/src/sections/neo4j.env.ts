import { EventSinkName } from '@app/contracts';
import { IsNotEmpty, IsString, Matches, ValidateIf } from 'class-validator';
import { EventProcessorRole, sinksOf } from './events.env';

export class Neo4jEnv {
  @Matches(/^(bolt|neo4j)(\+s|\+ssc)?:\/\/[^\s]+$/, { message: '$property must be a bolt:// or neo4j:// URI' })
  NEO4J_URI = 'bolt://127.0.0.1:7687';

  @IsString()
  NEO4J_USER = 'neo4j';

  /**
   * No default in code. Required where the process writes to Neo4j: its processor runs here
   * (EVENT_PROCESSORS neo4j or all) or the API writes itself (USE_RABBITMQ=false).
   */
  @ValidateIf((env: WriterRole) => writesToNeo4j(env))
  @IsNotEmpty({ message: "$property is required where Neo4j is written (.env.example has the local stack's)" })
  NEO4J_PASSWORD?: string;

  @Matches(/^[A-Za-z][A-Za-z0-9.-]{0,62}$/, { message: '$property must be a Neo4j database name' })
  NEO4J_DATABASE = 'neo4j';
}

/** The settings (of EventsEnv, validated alongside) that decide whether a process writes to Neo4j. */
interface WriterRole {
  EVENT_PROCESSORS?: EventProcessorRole;
  EVENT_SINKS?: EventSinkName[];
  USE_RABBITMQ?: boolean;
}

function writesToNeo4j(env: WriterRole): boolean {
  const chosen = Array.isArray(env.EVENT_SINKS) ? env.EVENT_SINKS : undefined;
  return sinksOf(env.EVENT_PROCESSORS ?? 'none', chosen).includes('neo4j') || env.USE_RABBITMQ === false;
}
