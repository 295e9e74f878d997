import type { FastifyInstance } from 'fastify';

/** An event is 1 level deep and a batch 3; nothing legitimate comes near this. */
export const MAX_JSON_DEPTH = 32;

/**
 * How deeply `value` nests arrays and objects, walked with an explicit stack (no recursion, so a
 * hostile body cannot overflow the stack while being measured); stops at `limit + 1`.
 */
export function nestingDepth(value: unknown, limit = Infinity): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (depth + 1 > deepest && (deepest = depth + 1) > limit) return deepest;
    for (const child of Object.values(node)) if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return deepest;
}

/**
 * Refuses (400) a parsed body nested deeper than `maxDepth`, before Nest's ValidationPipe sees it.
 * Without it a body like `[[[[…5,000 levels…]]]]` parses fine and then overflows the stack in the
 * pipe (class-transformer and stripProtoKeys recurse), answering 500 (found by the hostile-input
 * drill, docs/drills.md). A hook rather than a parser: Nest registers its own JSON parser at init.
 */
export function limitJsonNesting(fastify: FastifyInstance, maxDepth = MAX_JSON_DEPTH): void {
  fastify.addHook('preValidation', async (request, reply) => {
    if (nestingDepth(request.body, maxDepth) <= maxDepth) return;
    await reply.code(400).send({ statusCode: 400, message: [`body nested deeper than ${maxDepth} levels`], error: 'Bad Request' });
  });
}
