// How much CPU did processes outside the benchmark use while it measured? On a shared 2-core
// machine, a concurrent build or test run halves the numbers. Each benchmark records this next
// to its results instead of trusting them blindly.
import { readFileSync } from 'node:fs';
import os from 'node:os';

const TICK_US = 10_000; // Linux USER_HZ is 100 on every mainstream kernel.

// user + nice + system + irq + softirq + steal: everything but idle and iowait. Steal counts
// too, because CPU taken by the hypervisor is lost to the benchmark just the same.
function machineBusyUs() {
  const [user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8')
    .split('\n')[0]
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  return (user + nice + system + irq + softirq + steal) * TICK_US;
}

/** CPU time (user + system, µs) a process has used so far, from /proc. */
export function processCpuUs(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields[0] is stat field 3
  return (Number(fields[11]) + Number(fields[12])) * TICK_US; // utime + stime
}

function snapshot(pids) {
  const own = process.cpuUsage();
  return {
    at: performance.now(),
    machineUs: machineBusyUs(),
    oursUs: own.user + own.system + pids.reduce((sum, pid) => sum + processCpuUs(pid), 0),
  };
}

/**
 * Starts measuring. `pids` are child processes that belong to the benchmark (this process is
 * always included). Returns a function that gives the share (0–100) of the machine's CPU used
 * by everything else since the start. On platforms without /proc, that share is null.
 */
export function contentionProbe(pids = []) {
  let before;
  try {
    before = snapshot(pids);
  } catch {
    return () => null;
  }
  return () => {
    try {
      const after = snapshot(pids);
      const capacityUs = (after.at - before.at) * 1000 * os.availableParallelism();
      const othersUs = after.machineUs - before.machineUs - (after.oursUs - before.oursUs);
      return Math.max(0, Math.round((100 * othersUs) / capacityUs));
    } catch {
      return null; // A child exited meanwhile.
    }
  };
}
