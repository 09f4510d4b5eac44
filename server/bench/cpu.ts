/**
 * CPU time per process from Linux /proc, for the benchmarks' "CPU per request" figures: unlike
 * requests per second, CPU spent per request hardly depends on how busy the shared machine is.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** CPU seconds a process has used so far (Linux /proc), or null where there is no /proc. */
export function cpuSeconds(pid: number): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks of 1/100 s
  } catch {
    return null;
  }
}

/** The embedded database this benchmark started: the child process whose name says ferretdb or mongod. */
export function databasePid(): number | null {
  for (const entry of readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.split(') ')[1].split(' ')[1]);
      if (ppid === process.pid && /ferretdb|mongod/.test(stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')))) return Number(entry);
    } catch {
      // gone meanwhile
    }
  }
  return null;
}
