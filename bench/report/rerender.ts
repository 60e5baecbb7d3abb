/**
 * Rewrites the generated section of BENCHMARKS.md from a results file, after the report code
 * changed, without measuring again:
 *
 * ```sh
 * npx tsx bench/report/rerender.ts bench/.data/results-<time>.json
 * ```
 */
import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BenchOptions } from '../options.js';
import type { ScenarioResult } from '../systems/bench-system.js';
import { renderResults } from './markdown.js';
import type { SystemInfo } from './system-info.js';
import { writeResultsSection } from './write-report.js';

interface ResultsFile {
  readonly command: string;
  readonly info: SystemInfo;
  readonly options: BenchOptions;
  readonly results: ScenarioResult[];
  readonly failures: string[];
}

function run(): void {
  const file = process.argv[2];
  if (!file) throw new Error('usage: rerender.ts <results.json>');
  const r = JSON.parse(readFileSync(file, 'utf8')) as ResultsFile;
  // The file name carries the start time; its last write is when the run ended.
  const m = /results-(\d{4}-\d\d-\d\d)T(\d\d)-(\d\d)-(\d\d)-(\d{3})Z/.exec(file);
  const startedAt = m ? new Date(`${m[1]}T${m[2]}:${m[3]}:${m[4]}.${m[5]}Z`) : new Date();
  const section = renderResults(r.results, r.info, r.options, r.command, startedAt, statSync(file).mtimeMs - startedAt.getTime());
  writeResultsSection(fileURLToPath(new URL('../../BENCHMARKS.md', import.meta.url)), r.failures.length ? `${section}\n\n### Failures\n\n${r.failures.map((f) => `- ${f}`).join('\n')}` : section);
}

run();
