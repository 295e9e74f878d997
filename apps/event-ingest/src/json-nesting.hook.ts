import { MAX_JSON_DEPTH, nestingDepth } from '@app/contracts';
import type { FastifyInstance } from 'fastify';

/**
 * Refuses (400) a parsed body nested deeper than `maxDepth`, before Nest's ValidationPipe sees it.
 * Without it a body like `[[[[…5,000 levels…]]]]` parses fine and then overflows the stack in the
 * pipe (class-transformer and stripProtoKeys recurse), answering 500 (docs/drills.md). A hook
 * rather than a parser: Nest registers its own JSON parser at init.
 */
export function limitJsonNesting(fastify: FastifyInstance, maxDepth = MAX_JSON_DEPTH): void {
  fastify.addHook('preValidation', async (request, reply) => {
    if (nestingDepth(request.body, maxDepth) <= maxDepth) return;
    await reply
      .code(400)
      .send({ statusCode: 400, message: [`body nested deeper than ${maxDepth} levels`], error: 'Bad Request' });
  });
}
