import { IsIn } from 'class-validator';
import { EnvInt } from '../env.decorators';

const QUEUE_TYPES = ['quorum', 'classic'] as const;

/** The kind of every durable queue both pipelines declare (see durableQueueOptions in libs/messaging). */
export class QueueKindEnv {
  /**
   * quorum (default): replicated over the cluster's nodes, delivery limit, at-least-once
   * dead-lettering. classic: one node's queues, for a broker that is and stays a single node.
   * Changing it needs the existing queues deleted first: the broker refuses to redeclare a queue
   * with another type (PRECONDITION_FAILED).
   */
  @IsIn(QUEUE_TYPES, { message: `$property must be one of ${QUEUE_TYPES.join(', ')}` })
  RABBITMQ_QUEUE_TYPE: (typeof QUEUE_TYPES)[number] = 'quorum';

  /** Quorum queues: deliveries of one message before the broker dead-letters it as poison. */
  @EnvInt(2, 1000)
  RABBITMQ_DELIVERY_LIMIT = 20;
}
