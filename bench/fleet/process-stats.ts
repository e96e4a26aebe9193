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
  /** Mean CPU over the window, in percent of one core. */
  cpuPercent: number;
}

/** Samples a process every `everyMs` until stopped; usage is max RSS and mean CPU between first and last sample. */
export function watchProcess(pid: number, withChildren: boolean, everyMs = 5_000) {
  const samples: Array<ProcSample & { at: number }> = [];
  const take = () => {
    const sample = sampleProcess(pid, withChildren);
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
