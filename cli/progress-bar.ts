// One line of progress for long runs (backtests, sweeps), redrawn in place on a terminal. Piped
// or redirected output gets nothing: a log file full of carriage returns helps no one.
import { formatCount } from '../backtest/report/format.ts';

export type ProgressStream = Pick<NodeJS.WriteStream, 'isTTY' | 'columns' | 'write'>;

export interface ProgressBarOptions {
  /** Printed before the bar, e.g. the symbol. */
  label?: string;
  /** What is counted: bars, points. */
  unit?: string;
  /** Fewest milliseconds between redraws; a redraw per bar would cost more than the bar. */
  minRedrawMs?: number;
  /** Milliseconds; tests pass a fake clock. */
  now?: () => number;
}

export interface ProgressBar {
  update(done: number, total: number): void;
  /** Clears the line, so what is printed next starts on a clean one. */
  finish(): void;
}

const CLEAR_TO_END = '\x1b[K';
const DEFAULT_COLUMNS = 80;
/** Narrower than this, the bar is left out and the figures alone shown. */
const MIN_BAR_WIDTH = 10;

function duration(seconds: number): string {
  const whole = Math.ceil(seconds);
  const [h, m, s] = [Math.floor(whole / 3600), Math.floor((whole % 3600) / 60), whole % 60];
  const pad = (value: number): string => String(value).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${m}:${pad(s)}`;
}

/** The line for `done` of `total` after `elapsedMs`, fitted to `columns`. */
export function progressLine(
  done: number,
  total: number,
  elapsedMs: number,
  columns: number,
  options: { label?: string; unit: string },
): string {
  const fraction = total > 0 ? Math.min(1, done / total) : 0;
  const rate = elapsedMs > 0 && done > 0 ? done / (elapsedMs / 1000) : null;
  const eta = rate === null ? '–' : duration(Math.max(0, total - done) / rate);
  const figures = [
    `${(fraction * 100).toFixed(1)}%`,
    `${formatCount(done)}/${formatCount(total)} ${options.unit}`,
    `${rate === null ? '–' : formatCount(rate)} ${options.unit}/s`,
    `ETA ${eta}`,
  ].join('  ');
  const label = options.label === undefined ? '' : `${options.label} `;
  // One column short of the width: a line that fills it wraps on some terminals, and \r then redraws the wrong line.
  const room = columns - 1;
  const barWidth = room - label.length - figures.length - 3;
  const filled = Math.round(fraction * barWidth);
  const bar = barWidth >= MIN_BAR_WIDTH ? `[${'#'.repeat(filled)}${'.'.repeat(barWidth - filled)}] ` : '';
  return `${label}${bar}${figures}`.slice(0, room);
}

export function createProgressBar(stream: ProgressStream, options: ProgressBarOptions = {}): ProgressBar {
  if (stream.isTTY !== true) return { update() {}, finish() {} };
  const now = options.now ?? Date.now;
  const minRedrawMs = options.minRedrawMs ?? 100;
  const unit = options.unit ?? 'bars';
  const startedAt = now();
  let drawnAt: number | null = null;
  let finished = false;
  return {
    update(done, total) {
      const time = now();
      // The last update is always drawn, so a run that stops at 100 % shows 100 %.
      if (finished || (drawnAt !== null && time - drawnAt < minRedrawMs && done < total)) return;
      drawnAt = time;
      const columns = stream.columns || DEFAULT_COLUMNS;
      stream.write(
        `\r${progressLine(done, total, time - startedAt, columns, { label: options.label, unit })}${CLEAR_TO_END}`,
      );
    },
    finish() {
      if (!finished && drawnAt !== null) stream.write(`\r${CLEAR_TO_END}`);
      finished = true;
    },
  };
}
