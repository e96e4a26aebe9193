// Days of the week as a trader writes them: `mon-fri`, `sun-thu`, `mon,wed,fri`; a range may wrap
// the week's end (`fri-mon` is Friday to Monday). Read as a bit mask, bit 0 = Sunday (Date's days).

const NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
const DAY = `(?:${NAMES.join('|')})`;

/** A list of days and day ranges, comma-separated, in any case. */
export const WEEKDAYS = new RegExp(`^${DAY}(?:-${DAY})?(?:,${DAY}(?:-${DAY})?)*$`, 'i');

/** Every day of the week, as a mask. */
export const EVERY_DAY = 0b111_1111;

const dayIndex = (name: string) => NAMES.indexOf(name.toLowerCase() as (typeof NAMES)[number]);

/** Read once per text: a bot's checks ask for its days at every decision. */
const masks = new Map<string, number>();

/** The days `text` (matching WEEKDAYS) names, as a mask with bit `d` for day `d` (0 = Sunday). */
export function weekdayMask(text: string): number {
  let mask = masks.get(text);
  if (mask !== undefined) return mask;
  if (!WEEKDAYS.test(text)) throw new Error(`days of the week must read like mon-fri or mon,wed,fri, not ${text}`);
  mask = 0;
  for (const part of text.split(',')) {
    const [first = '', last = first] = part.split('-');
    const from = dayIndex(first);
    const to = dayIndex(last);
    for (let day = from; ; day = (day + 1) % 7) {
      mask |= 1 << day;
      if (day === to) break;
    }
  }
  masks.set(text, mask);
  return mask;
}

/** The three-letter name of day `day` (0 = Sunday), capitalised as a clock shows it. */
export function weekdayName(day: number): string {
  const name = NAMES[day]!;
  return name[0]!.toUpperCase() + name.slice(1);
}
