/** The broker's 404 (NOT_FOUND): the queue or exchange an operation named does not exist. */
export function isBrokerNotFound(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 404;
}
