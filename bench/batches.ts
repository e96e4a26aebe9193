// Work over many items a few at a time: the benchmarks create and remove hundreds of bots and
// schedules without opening hundreds of requests at once.
export async function inBatches<T>(items: T[], size: number, work: (item: T) => Promise<unknown>): Promise<void> {
  for (let start = 0; start < items.length; start += size)
    await Promise.all(items.slice(start, start + size).map(work));
}
