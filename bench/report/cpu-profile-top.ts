/**
 * Summarizes a V8 `.cpuprofile` (from `npm run bench -- --cpu-prof`): self time by function and
 * by package or source folder, highest first.
 *
 * ```sh
 * npx tsx bench/report/cpu-profile-top.ts bench/.data/profiles/tributary-100000-first-1   # a scenario's folder: its largest profile
 * npx tsx bench/report/cpu-profile-top.ts path/to/file.cpuprofile
 * ```
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}

interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

function groupOf(url: string): string {
  if (!url) return '(native / V8)';
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1]!;
  if (url.startsWith('node:')) return url;
  const own = /\/(access|activities|bench|client|config|connectors|core|infra|ingest|merge|store|worker|workflows)\//.exec(url);
  return own ? `${own[1]}/` : url;
}

function top(map: Map<string, number>, total: number, n: number): string[] {
  return [...map]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, v]) => `${((v / total) * 100).toFixed(1).padStart(5)} %  ${(v / 1000).toFixed(0).padStart(7)} ms  ${k}`);
}

function run(): void {
  const arg = process.argv[2];
  if (!arg) throw new Error('usage: cpu-profile-top.ts <file.cpuprofile | folder> [rows]');
  // A folder holds one profile per thread; the main thread's is the largest.
  const file = statSync(arg).isDirectory()
    ? readdirSync(arg)
        .filter((f) => f.endsWith('.cpuprofile'))
        .map((f) => join(arg, f))
        .sort((a, b) => statSync(b).size - statSync(a).size)[0]!
    : arg;
  const rows = Number(process.argv[3] ?? 30);
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const byFunction = new Map<string, number>();
  const byGroup = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (const [id, us] of self) {
    const f = byId.get(id)!.callFrame;
    if (f.functionName === '(idle)' || f.functionName === '(program)') idle += f.functionName === '(idle)' ? us : 0;
    total += us;
    const name = `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*\/(node_modules\/|work\/[^/]+\/)/, '')}:${f.lineNumber + 1}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + us);
    byGroup.set(groupOf(f.url), (byGroup.get(groupOf(f.url)) ?? 0) + us);
  }
  console.log(`${file}: ${(total / 1000).toFixed(0)} ms sampled, ${(idle / 1000).toFixed(0)} ms idle`);
  console.log('\nself time by package / folder');
  console.log(top(byGroup, total, 20).join('\n'));
  console.log('\nself time by function');
  console.log(top(byFunction, total, rows).join('\n'));
}

run();
