import { EventMessage } from '@app/contracts';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { QdrantClient } from '@qdrant/js-client-rest';
import { EventStoreWriter } from '../pipeline/event-store.writer';
import { productPointId, userPointId } from './point-id';
import { pickVector } from './profile-vector';
import { QDRANT_CLIENT } from './qdrant-client.token';
import { applyEvents, profileFrom, UserProfile } from './user-profile';

/** Name of the profile vector in `user_profiles`: named, so a user without one yet can exist. */
const PROFILE_VECTOR = 'preference';

/**
 * Keeps one point per user in `user_profiles`: read the batch's users and products, apply the
 * events in memory, upsert the changed users in one request (wait=true, so an ack follows a
 * durable write).
 */
@Injectable()
export class QdrantProfileWriter implements EventStoreWriter {
  private readonly logger = new Logger(QdrantProfileWriter.name);
  private readonly users: string;
  private readonly products: string;
  private readonly size: number;
  private collectionsReady?: Promise<void>;

  constructor(
    @Inject(QDRANT_CLIENT) private readonly client: QdrantClient,
    config: ConfigService,
  ) {
    this.users = config.getOrThrow<string>('QDRANT_USER_COLLECTION');
    this.products = config.getOrThrow<string>('QDRANT_PRODUCT_COLLECTION');
    this.size = config.getOrThrow<number>('QDRANT_VECTOR_SIZE');
  }

  async write(events: EventMessage[]): Promise<void> {
    if (events.length === 0) return;
    await this.ensureCollections();
    const byUser = groupBy(events, (event) => event.user_id);
    const [profiles, productVectors] = await Promise.all([
      this.loadProfiles([...byUser.keys()]),
      this.loadProducts(events),
    ]);
    const points = [];
    for (const [userId, userEvents] of byUser) {
      const profile = profiles.get(userId)!;
      if (!applyEvents(profile, userEvents, productVectors)) continue;
      const vector = profile.vector ? { [PROFILE_VECTOR]: profile.vector } : {};
      points.push({ id: userPointId(userId), vector, payload: { ...profile.payload } });
    }
    if (points.length > 0) await this.client.upsert(this.users, { wait: true, points });
  }

  /** Network errors, timeouts, 429 and 5xx: Qdrant is away or busy, not refusing this data. */
  isTransient(error: unknown): boolean {
    const status = (error as { status?: number }).status;
    if (typeof status === 'number') return status === 429 || status >= 500;
    return true;
  }

  ensureCollections(): Promise<void> {
    this.collectionsReady ??= this.createCollections().catch((error) => {
      this.collectionsReady = undefined;
      throw error;
    });
    return this.collectionsReady;
  }

  private async createCollections(): Promise<void> {
    await this.createIfMissing(this.users, { [PROFILE_VECTOR]: { size: this.size, distance: 'Cosine' } });
    await this.createIfMissing(this.products, { size: this.size, distance: 'Cosine' });
  }

  private async createIfMissing(name: string, vectors: Parameters<QdrantClient['createCollection']>[1]['vectors']) {
    if ((await this.client.collectionExists(name)).exists) return;
    try {
      await this.client.createCollection(name, { vectors });
      this.logger.log({ msg: 'qdrant collection created', collection: name, size: this.size });
    } catch (error) {
      // Another worker may have created it in between; anything else is a real failure.
      if (!(await this.client.collectionExists(name)).exists) throw error;
    }
  }

  private async loadProfiles(userIds: string[]): Promise<Map<string, UserProfile>> {
    const points = await this.client.retrieve(this.users, {
      ids: userIds.map(userPointId),
      with_payload: true,
      with_vector: true,
    });
    const byPointId = new Map(points.map((point) => [String(point.id), point]));
    return new Map(
      userIds.map((userId) => {
        const point = byPointId.get(userPointId(userId));
        return [userId, profileFrom(userId, pickVector(point?.vector, PROFILE_VECTOR), point?.payload)];
      }),
    );
  }

  /** Vectors of the batch's products that the catalogue has and that have the right size. */
  private async loadProducts(events: EventMessage[]): Promise<Map<string, number[]>> {
    const productIds = [...new Set(events.map((event) => event.product_id))];
    const ids = productIds.map(productPointId);
    const points = await this.client.retrieve(this.products, { ids, with_payload: false, with_vector: true });
    const byPointId = new Map(points.map((point) => [String(point.id), pickVector(point.vector)]));
    const vectors = new Map<string, number[]>();
    productIds.forEach((productId, index) => {
      const vector = byPointId.get(String(ids[index]));
      if (vector && vector.length === this.size) vectors.set(productId, vector);
    });
    return vectors;
  }
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(key(item));
    if (group) group.push(item);
    else groups.set(key(item), [item]);
  }
  return groups;
}
