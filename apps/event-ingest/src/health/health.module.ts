import { Neo4jDriverModule } from '@app/processors';
import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller';

@Module({
  imports: [TerminusModule.forRoot({ logger: false }), Neo4jDriverModule],
  controllers: [HealthController],
})
export class HealthModule {}
