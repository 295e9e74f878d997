import { ConfigService } from '@nestjs/config';
import { HealthIndicatorService } from '@nestjs/terminus';
import { Driver } from 'neo4j-driver';
import { Neo4jHealthIndicator } from './neo4j.health-indicator';

describe('Neo4jHealthIndicator', () => {
  const probe = (settings: Record<string, string>) => {
    const executeQuery = jest.fn(() => Promise.resolve({ records: [] }));
    const indicator = new Neo4jHealthIndicator(
      { executeQuery } as unknown as Driver,
      new HealthIndicatorService(),
      new ConfigService(settings),
    );
    return { indicator, executeQuery };
  };

  it('probes the database named by NEO4J_DATABASE, as the writers do', async () => {
    const { indicator, executeQuery } = probe({ NEO4J_DATABASE: 'interactions' });
    expect(await indicator.check()).toEqual({ neo4j: { status: 'up' } });
    expect(executeQuery).toHaveBeenCalledWith('RETURN 1', {}, { database: 'interactions' });
  });

  it('probes the default database when none is set', async () => {
    const { indicator, executeQuery } = probe({});
    await indicator.check();
    expect(executeQuery).toHaveBeenCalledWith('RETURN 1', {}, { database: 'neo4j' });
  });
});
