import { readFileSync, readdirSync } from 'node:fs';

/** Samples the resident memory of a process and its descendants until stopped; reports the peak. */
export interface RssSampler {
  /** Stops sampling; the highest summed RSS seen, in bytes. */
  stop(): number;
}

function rssOf(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // The ppid is the 4th field after the parenthesized command name.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(entry));
    } catch {
      // exited between listing and reading
    }
  }
  return out;
}

/** Polls /proc every `intervalMs` for `pid` and its descendants (e.g. /usr/bin/time's child). */
export function sampleRss(pid: number, intervalMs = 100): RssSampler {
  let peak = 0;
  const tick = () => {
    const todo = [pid];
    let sum = 0;
    while (todo.length > 0) {
      const p = todo.pop()!;
      sum += rssOf(p);
      todo.push(...childrenOf(p));
    }
    peak = Math.max(peak, sum);
  };
  const timer = setInterval(tick, intervalMs);
  tick();
  return {
    stop() {
      clearInterval(timer);
      return peak;
    },
  };
}

/** The peak RSS `/usr/bin/time -v` printed to stderr, in bytes, if it did. */
export function parseTimeVerbose(stderr: string): number | undefined {
  const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
  return m ? Number(m[1]) * 1024 : undefined;
}
