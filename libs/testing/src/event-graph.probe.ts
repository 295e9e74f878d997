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
  readonly driver: Driver = neo4j.driver(serviceUrls.neo4j, neo4j.auth.basic(serviceUrls.neo4jUser, serviceUrls.neo4jPassword), {
    disableLosslessIntegers: true,
  });

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
