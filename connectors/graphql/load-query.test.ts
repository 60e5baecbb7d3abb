import assert from 'node:assert/strict';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { configDir } from '../../config/config-origin.js';
import { loadConfigFile } from '../../config/load-config.js';
import { loadQuery } from './load-query.js';

test('a queryFile is read relative to the config file, not the working directory', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tributary-query-'));
  await mkdir(join(dir, 'pipelines', 'queries'), { recursive: true });
  const query = 'query Q($first: Int, $after: String) { items(first: $first, after: $after) { nodes { id } pageInfo { hasNextPage endCursor } } }';
  await writeFile(join(dir, 'pipelines', 'queries', 'items.graphql'), query);
  const configPath = join(dir, 'pipelines', 'tributary.yaml');
  await writeFile(
    configPath,
    [
      'version: 1',
      'sources:',
      '  shop:',
      '    type: graphql',
      '    url: http://127.0.0.1:1/graphql',
      '    streams:',
      '      items:',
      '        queryFile: queries/items.graphql',
      '        connectionPath: $.data.items',
      '        primaryKey: $.id',
      'entities: {}',
      'pipelines: {}',
      '',
    ].join('\n'),
  );
  assert.notEqual(process.cwd(), join(dir, 'pipelines'));
  const config = await loadConfigFile(configPath, {});
  const source = config.sources.shop!;
  assert.equal(source.type, 'graphql');
  const stream = source.type === 'graphql' ? source.streams.items! : assert.fail();
  assert.equal(configDir(config), join(dir, 'pipelines'));
  assert.equal(await loadQuery(stream, configDir(config)), query);
});

test('a missing queryFile fails non-retryably naming the resolved path', async () => {
  const err = await loadQuery({ queryFile: 'nope.graphql' } as never, '/srv/pipelines').then(
    () => assert.fail('expected an error'),
    (e: unknown) => e as Error & { retryable?: boolean; code?: string },
  );
  assert.match(err.message, /nope\.graphql \(\/srv\/pipelines\/nope\.graphql\): ENOENT/);
  assert.equal(err.retryable, false);
});
