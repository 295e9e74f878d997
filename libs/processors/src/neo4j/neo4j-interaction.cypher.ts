import { EventType } from '@app/contracts';

/** One relationship type per event type (Cypher cannot take a relationship type as a parameter). */
const RELATIONSHIP_BY_EVENT: Record<EventType, string> = {
  view: 'VIEWED',
  cart: 'ADDED_TO_CART',
  remove_from_cart: 'REMOVED_FROM_CART',
  purchase: 'PURCHASED',
};

/** Created at start; the first three also back the MERGEs below, which would scan without them. */
export const SCHEMA_STATEMENTS = [
  'CREATE CONSTRAINT user_user_id IF NOT EXISTS FOR (u:User) REQUIRE u.user_id IS UNIQUE',
  'CREATE CONSTRAINT product_product_id IF NOT EXISTS FOR (p:Product) REQUIRE p.product_id IS UNIQUE',
  'CREATE CONSTRAINT processed_event_event_id IF NOT EXISTS FOR (e:ProcessedEvent) REQUIRE e.event_id IS UNIQUE',
];

function relationshipUpdate(eventType: EventType): string {
  return `
  FOREACH (_ IN CASE WHEN ev.event_type = '${eventType}' THEN [1] ELSE [] END |
    MERGE (u)-[r:${RELATIONSHIP_BY_EVENT[eventType]}]->(p)
    ON CREATE SET r.count = 0, r.first_at = ts, r.last_at = ts, r.last_session = ev.user_session
    SET r.count = r.count + 1,
        r.first_at = CASE WHEN ts < r.first_at THEN ts ELSE r.first_at END,
        r.last_session = CASE WHEN ts >= r.last_at THEN ev.user_session ELSE r.last_session END,
        r.last_at = CASE WHEN ts > r.last_at THEN ts ELSE r.last_at END)`;
}

/**
 * One statement for a whole batch. Idempotency: each event leaves a (:ProcessedEvent {event_id})
 * receipt; MERGE under its uniqueness constraint creates it once, even when two workers race, and
 * only rows whose receipt was created by this statement (`fresh`) touch the graph. The receipt's
 * processed_at allows pruning old receipts and measuring event-to-graph latency. first_at and
 * last_at are the min and max event times, so late or replayed events do not move them backwards.
 *
 * `replan=skip`: every lookup here is a seek on a uniqueness constraint, whatever the graph's size,
 * yet Neo4j plans the statement again whenever its label statistics move (a new or emptied graph
 * grows), and planning this statement stalls the writes for 200-300 ms each time.
 */
export const WRITE_INTERACTIONS = `
CYPHER replan=skip
UNWIND $events AS ev
MERGE (receipt:ProcessedEvent {event_id: ev.event_id})
ON CREATE SET receipt.fresh = true
WITH ev, receipt WHERE receipt.fresh = true
REMOVE receipt.fresh
SET receipt.event_type = ev.event_type, receipt.at = datetime(ev.timestamp), receipt.processed_at = datetime.realtime()
WITH ev, receipt.at AS ts
MERGE (u:User {user_id: ev.user_id})
MERGE (p:Product {product_id: ev.product_id})
SET p.category = coalesce(ev.category, p.category), p.price = coalesce(ev.price, p.price)
${(Object.keys(RELATIONSHIP_BY_EVENT) as EventType[]).map(relationshipUpdate).join('\n')}
RETURN count(*) AS written`;
