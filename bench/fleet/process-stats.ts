// Resident memory and CPU of the stack's processes, read from /proc (Linux): a process alone, or a
// process with its children (PostgreSQL forks one backend per connection).
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100;
const PAGE_KB = 4;

interface ProcSample {
  rssKb: number;
  cpuTicks: number;
}

function readStat(pid: number): { ppid: number; cpuTicks: number; rssKb: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may hold spaces: fields count from after it.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return {
      ppid: Number(fields[1]),
      cpuTicks: Number(fields[11]) + Number(fields[12]),
      rssKb: Number(fields[21]) * PAGE_KB,
    };
  } catch {
    return null;
  }
}

function childrenOf(parent: number): number[] {
  const pids = readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number);
  return pids.filter((pid) => readStat(pid)?.ppid === parent);
}

/** One process, or it and its direct children summed. */
export function sampleProcess(pid: number, withChildren = false): ProcSample | null {
  const own = readStat(pid);
  if (own === null) return null;
  const all = withChildren ? [own, ...childrenOf(pid).flatMap((child) => readStat(child) ?? [])] : [own];
  return {
    rssKb: all.reduce((sum, stat) => sum + stat.rssKb, 0),
    cpuTicks: all.reduce((sum, stat) => sum + stat.cpuTicks, 0),
  };
}

export interface ProcessUsage {
  maxRssMb: number;
  /** RSS at the start and at every 10 minutes after it, then at the end: flat, or growing. */
  rssMbOverTime: number[];
  /** Whether the process was still there at the last sample. */
  alive: boolean;
  /** Mean CPU over the window, in percent of one core. */
  cpuPercent: number;
}

const TEN_MINUTES_MS = 600_000;

/** RSS at the first sample, the first at or after each 10-minute mark, and the last, in MB. */
function rssOverTime(samples: ReadonlyArray<ProcSample & { at: number }>): number[] {
  const first = samples[0];
  if (first === undefined) return [];
  const marks: number[] = [];
  let next = first.at;
  for (const sample of samples) {
    if (sample.at >= next) {
      marks.push(Math.round(sample.rssKb / 1024));
      next += TEN_MINUTES_MS;
    }
  }
  marks.push(Math.round(samples.at(-1)!.rssKb / 1024));
  return marks;
}

/** Samples a process every `everyMs` until stopped; usage is max RSS and mean CPU between first and last sample. */
export function watchProcess(pid: number, withChildren: boolean, everyMs = 5_000) {
  const samples: Array<ProcSample & { at: number }> = [];
  let alive = true;
  const take = () => {
    const sample = sampleProcess(pid, withChildren);
    alive = sample !== null;
    if (sample) samples.push({ ...sample, at: performance.now() });
  };
  take();
  const timer = setInterval(take, everyMs);
  return {
    stop(): ProcessUsage {
      clearInterval(timer);
      take();
      const first = samples[0];
      const last = samples.at(-1);
      const seconds = first && last ? (last.at - first.at) / 1000 : 0;
      return {
        maxRssMb: Math.max(0, ...samples.map((sample) => sample.rssKb)) / 1024,
        rssMbOverTime: rssOverTime(samples),
        alive,
        cpuPercent:
          first && last && seconds > 0 ? ((last.cpuTicks - first.cpuTicks) / TICKS_PER_SECOND / seconds) * 100 : 0,
      };
    },
  };
}

/** The 1-minute load average. */
export function loadAverage(): number {
  return Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
}
