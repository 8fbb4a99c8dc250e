/**
 * `items.map(fn)` with at most `limit` calls in flight, results in the items' order: one request or
 * process per container on a long selection must not all start at once (sockets, processes and the
 * engine all have limits). Rejects with the first failure, once the calls under way have settled.
 */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failure: { err: unknown } | undefined;
  const worker = async () => {
    while (next < items.length && !failure) {
      const i = next++;
      try {
        results[i] = await fn(items[i], i);
      } catch (err) {
        failure ??= { err };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failure) throw failure.err;
  return results;
}

/** How many engine requests one command sends at once. */
export const ENGINE_FAN_OUT = 8;
