/** Messages and bodies of this system nest 3–4 levels; nothing legitimate comes near this. */
export const MAX_JSON_DEPTH = 32;

/**
 * How deeply `value` nests arrays and objects, walked with an explicit stack (no recursion, so a
 * hostile body cannot overflow the stack while being measured); stops at `limit + 1`. Validation
 * libraries recurse (class-transformer, Nest's stripProtoKeys): check this before handing them a body.
 */
export function nestingDepth(value: unknown, limit = Infinity): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (depth + 1 > deepest && (deepest = depth + 1) > limit) return deepest;
    for (const child of Object.values(node))
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return deepest;
}
