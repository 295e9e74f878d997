import { EventSinkName } from '@app/contracts';
import { IsNotEmpty, IsString, Matches, ValidateIf } from 'class-validator';
import { EnvBoolean } from '../env.decorators';
import { EnvReadableFile, EnvTlsWhenRequired } from '../tls.decorators';
import { EventProcessorRole, sinksOf } from './events.env';

export class Neo4jEnv {
  /** TLS as the scheme says: bolt+s:// or neo4j+s:// (verified), bolt+ssc:// or neo4j+ssc:// (any certificate). */
  @Matches(/^(bolt|neo4j)(\+s|\+ssc)?:\/\/[^\s]+$/, { message: '$property must be a bolt:// or neo4j:// URI' })
  @EnvTlsWhenRequired(
    'NEO4J_TLS_REQUIRED',
    (uri) => typeof uri === 'string' && /^(bolt|neo4j)\+s(sc)?:\/\//.test(uri),
    'a bolt+s:// or neo4j+s:// URI',
  )
  NEO4J_URI = 'bolt://127.0.0.1:7687';

  /** Refuse a plaintext Neo4j URI at boot. */
  @EnvBoolean()
  NEO4J_TLS_REQUIRED = false;

  /**
   * For a bolt+s:// or neo4j+s:// URI: the PEM file of the CA that signs Neo4j's certificate, trusted
   * instead of the system's CAs.
   */
  @EnvReadableFile()
  NEO4J_TLS_CA_FILE?: string;

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
