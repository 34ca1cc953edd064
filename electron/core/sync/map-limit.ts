// Bounded concurrency for the sync engine's writes and read-backs (one student's rows stay in order
// because the caller groups them; this only caps how many run at once).
/** Run `fn` over `items`, at most `limit` at once, results in input order. */
export async function mapLimit<T, R>(items: T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
