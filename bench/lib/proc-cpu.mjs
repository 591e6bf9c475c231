// CPU time of another process, read from the OS: /proc/<pid>/stat utime + stime (in clock ticks).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

let ticksPerSecond;

/** The kernel's clock ticks per second (`getconf CLK_TCK`, almost always 100). */
export function clockTicks() {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** True when /proc/<pid>/stat can be read (Linux). */
export function procAvailable(pid = process.pid) {
  try {
    fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return true;
  } catch {
    return false;
  }
}

/**
 * User + system CPU time of `pid` in milliseconds, with the resolution of one clock tick (10 ms at 100 Hz):
 * make measured runs last seconds so that this is well under 1 %.
 */
export function procCpuMs(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) is in parentheses and may contain spaces: parse after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state); utime is field 14, stime field 15.
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return ((utime + stime) * 1000) / clockTicks();
}

/**
 * CPU time spent by the whole machine (all cores, all processes) in milliseconds, from the first line of
 * /proc/stat: user + nice + system + irq + softirq + steal. Subtracting our own processes shows how busy the
 * machine was with other work during a run.
 */
export function machineBusyMs() {
  const line = fs.readFileSync('/proc/stat', 'utf8').split('\n', 1)[0];
  const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
  return ((user + nice + system + irq + softirq + (steal || 0)) * 1000) / clockTicks();
}
