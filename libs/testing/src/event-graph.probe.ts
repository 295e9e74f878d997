import neo4j, { Driver } from 'neo4j-driver';
import { serviceUrls } from './service-urls';

export interface InteractionRow {
  type: string;
  product_id: string;
  count: number;
  last_session: string;
}

/** Reads (and cleans up) a spec's part of the shared Neo4j graph: everything whose id starts with `scope`. */
export class EventGraphProbe {
  readonly driver: Driver = neo4j.driver(
    serviceUrls.neo4j,
    neo4j.auth.basic(serviceUrls.neo4jUser, serviceUrls.neo4jPassword),
    {
      disableLosslessIntegers: true,
    },
  );

  async interactions(userId: string): Promise<InteractionRow[]> {
    const { records } = await this.driver.executeQuery(
      `MATCH (:User {user_id: $userId})-[r]->(p:Product)
       RETURN type(r) AS type, p.product_id AS product_id, r.count AS count, r.last_session AS last_session
       ORDER BY type, product_id`,
      { userId },
    );
    return records.map((record) => record.toObject() as InteractionRow);
  }

  /** How many of the given events have a processed receipt. */
  async processed(eventIds: string[]): Promise<number> {
    const { records } = await this.driver.executeQuery(
      'MATCH (e:ProcessedEvent) WHERE e.event_id IN $eventIds RETURN count(e) AS n',
      { eventIds },
    );
    return records[0].get('n') as number;
  }

  /** Milliseconds between the first and the last of these events' processed_at. */
  async processedSpanMs(eventIds: string[]): Promise<number> {
    const { records } = await this.driver.executeQuery(
      `MATCH (e:ProcessedEvent) WHERE e.event_id IN $eventIds
       WITH min(e.processed_at) AS first, max(e.processed_at) AS last
       RETURN duration.inSeconds(first, last).milliseconds AS ms`,
      { eventIds },
    );
    return Math.max(1, records[0].get('ms') as number);
  }

  /** Per event: processed_at − timestamp (the time the API received it), in ms. */
  async latenciesMs(eventIds: string[]): Promise<number[]> {
    const { records } = await this.driver.executeQuery(
      `MATCH (e:ProcessedEvent) WHERE e.event_id IN $eventIds
       RETURN duration.inSeconds(e.at, e.processed_at).milliseconds AS ms`,
      { eventIds },
    );
    return records.map((record) => record.get('ms') as number);
  }

  /** Deletes a large scope (a benchmark's) in batches of 10,000, so no transaction grows huge. */
  async cleanupInBatches(scope: string): Promise<void> {
    const session = this.driver.session();
    try {
      await session.run(
        `MATCH (n) WHERE (n:User AND n.user_id STARTS WITH $scope) OR (n:Product AND n.product_id STARTS WITH $scope)
            OR (n:ProcessedEvent AND n.event_id STARTS WITH $scope)
         CALL { WITH n DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS`,
        { scope },
      );
    } finally {
      await session.close();
    }
  }

  async cleanup(scope: string): Promise<void> {
    await this.driver.executeQuery(
      `MATCH (n) WHERE (n:User AND n.user_id STARTS WITH $scope) OR (n:Product AND n.product_id STARTS WITH $scope)
          OR (n:ProcessedEvent AND n.event_id STARTS WITH $scope)
       DETACH DELETE n`,
      { scope },
    );
  }

  async close(): Promise<void> {
    await this.driver.close();
  }
}
