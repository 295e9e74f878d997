import { Module } from '@nestjs/common';
import { Neo4jDriverModule } from './neo4j-driver.module';
import { Neo4jEventWriter } from './neo4j-event.writer';

/** The graph writer alone: the Neo4j processor uses it, and so does POST /events without RabbitMQ. */
@Module({
  imports: [Neo4jDriverModule],
  providers: [Neo4jEventWriter],
  exports: [Neo4jEventWriter, Neo4jDriverModule],
})
export class Neo4jWriterModule {}
