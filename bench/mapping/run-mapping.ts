/**
 * The mapping cost of a first load: the bench's 1M records (three sources, as the upstream
 * serves them, parsed from their JSON text as the merge parses staged payloads) mapped onto the
 * `person` entity by the merge's own mapper (`compileRecordMapper`: JSONPaths, templates,
 * transforms, coercion). Reported per record and as a share of the 1M first load, and its path
 * reads compared with a plain property walk, the floor for the bench's dotted paths (what the
 * hand-written JSONPath subset did before RFC 9535 paths replaced it): that difference is what
 * the RFC 9535 engine costs a load. In process, CPU time, best of three passes.
 */
import { parse as parseYaml } from 'yaml';
import { parseConfig } from '../../config/load-config.js';
import { mappingPaths } from '../../config/entities/entity-config.js';
import { compileJsonPath } from '../../core/json-path.js';
import { compileRecordMapper } from '../../merge/map/map-record.js';
import { tributaryBenchConfig } from '../systems/tributary-config.js';
import { SOURCES, recordOf, shapeOf } from '../workload/records.js';

/** Records mapped. */
export const MAPPING_RECORDS = 1_000_000;

/** What the mapping workload measured. */
export interface MappingResult {
  readonly records: number;
  /** CPU ms to map every record (best pass). */
  readonly mapMs: number;
  /** CPU ms to read every mapped path of every record with the RFC 9535 engine (best pass). */
  readonly pathsMs: number;
  /** The same reads by a plain property walk (best pass). */
  readonly walkMs: number;
  /** Path reads per record. */
  readonly pathsPerRecord: number;
}

const STREAM: Record<(typeof SOURCES)[number], string> = { crm: 'crm.contacts', billing: 'billing.customers', support: 'support.customers' };

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function best(passes: number, fn: () => void): number {
  let min = Number.POSITIVE_INFINITY;
  for (let i = 0; i < passes; i++) {
    const start = cpuMs();
    fn();
    min = Math.min(min, cpuMs() - start);
  }
  return min;
}

/** `$.a.b` as its keys, for the plain walk. */
function keysOf(path: string): string[] {
  return path.replace(/^\$\.?/, '').split('.').filter(Boolean);
}

/** Maps the bench's records and times it (see the file comment). */
export function runMappingWorkload(records = MAPPING_RECORDS): MappingResult {
  const config = parseConfig(parseYaml(tributaryBenchConfig('http://127.0.0.1:1', 250)), 'bench');
  const entity = config.entities.person!;
  const shape = shapeOf(records);
  const parsed: Array<{ source: (typeof SOURCES)[number]; record: unknown }> = [];
  for (const source of SOURCES) {
    for (let i = 0; i < shape[source].count; i++) parsed.push({ source, record: JSON.parse(JSON.stringify(recordOf(source, shape[source], i, 0))) });
  }
  const mappers = Object.fromEntries(SOURCES.map((s) => [s, compileRecordMapper(entity, entity.sources[STREAM[s]]!)])) as Record<(typeof SOURCES)[number], ReturnType<typeof compileRecordMapper>>;
  const paths = Object.fromEntries(
    SOURCES.map((s) => {
      const mapping = entity.sources[STREAM[s]]!;
      const texts = [...Object.values(mapping.fields), ...(mapping.updatedAt ? [mapping.updatedAt] : [])].flatMap(mappingPaths).map((p) => (p.startsWith('$') ? p : `$.${p}`));
      return [s, texts.map((t) => ({ rfc: compileJsonPath(t), keys: keysOf(t) }))];
    }),
  ) as Record<(typeof SOURCES)[number], Array<{ rfc: ReturnType<typeof compileJsonPath>; keys: string[] }>>;
  let sink = 0;
  const mapMs = best(3, () => {
    for (const { source, record } of parsed) if (mappers[source](record).ok) sink++;
  });
  const pathsMs = best(3, () => {
    for (const { source, record } of parsed) for (const p of paths[source]) if (p.rfc.first(record) !== undefined) sink++;
  });
  const walkMs = best(3, () => {
    for (const { source, record } of parsed) {
      for (const p of paths[source]) {
        let v: unknown = record;
        for (const k of p.keys) v = v === null || typeof v !== 'object' ? undefined : (v as Record<string, unknown>)[k];
        if (v !== undefined) sink++;
      }
    }
  });
  if (sink < 0) console.log(sink);
  const reads = parsed.reduce((n, { source }) => n + paths[source].length, 0);
  return { records: parsed.length, mapMs, pathsMs, walkMs, pathsPerRecord: reads / parsed.length };
}

/** The markdown section: per record, the share of a first load, and the RFC 9535 engine's cost over the plain walk. */
export function renderMapping(r: MappingResult, firstLoadMs: number | undefined): string {
  const us = (ms: number) => ((ms * 1000) / r.records).toFixed(2);
  const share = (ms: number) => (firstLoadMs === undefined ? 'n/a' : `${((ms / firstLoadMs) * 100).toFixed(2)} %`);
  const extra = Math.max(0, r.pathsMs - r.walkMs);
  return [
    `${r.records.toLocaleString('en')} bench records, ${r.pathsPerRecord.toFixed(1)} path reads each, CPU time of one process (best of three passes)${firstLoadMs === undefined ? '' : `; shares of this run's median 1M first load (${(firstLoadMs / 1000).toFixed(1)} s)`}.`,
    '',
    '| measure | total | per record | share of the first load |',
    '|---|---:|---:|---:|',
    `| whole mapping (paths, templates, transforms, coercion) | ${(r.mapMs / 1000).toFixed(2)} s | ${us(r.mapMs)} µs | ${share(r.mapMs)} |`,
    `| path reads, RFC 9535 engine | ${(r.pathsMs / 1000).toFixed(2)} s | ${us(r.pathsMs)} µs | ${share(r.pathsMs)} |`,
    `| path reads, plain property walk (floor) | ${(r.walkMs / 1000).toFixed(2)} s | ${us(r.walkMs)} µs | ${share(r.walkMs)} |`,
    `| **RFC 9535 engine over the floor** | ${(extra / 1000).toFixed(2)} s | ${us(extra)} µs | **${share(extra)}** (target < 3 %) |`,
  ].join('\n');
}

// `npx tsx bench/mapping/run-mapping.ts [records]` prints the section alone.
if (import.meta.url === `file://${process.argv[1]}`) {
  const r = runMappingWorkload(process.argv[2] ? Number(process.argv[2]) : MAPPING_RECORDS);
  console.log(renderMapping(r, undefined));
}
