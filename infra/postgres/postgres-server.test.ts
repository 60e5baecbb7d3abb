import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { isInfraError } from '../errors.js';
import { embeddedTuning, startPostgres } from './postgres-server.js';

/** A scratch dir the unprivileged postgres user can enter when we run as root. */
function scratchDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tributary-pg-test-'));
  fs.chmodSync(dir, 0o755);
  return dir;
}

async function query(url: string, sql: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

describe('startPostgres (embedded)', { timeout: 120_000 }, () => {
  let dir: string;
  before(() => {
    dir = scratchDir();
  });
  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('keeps data across a stop and a restart on the same data dir', async () => {
    const dataDir = path.join(dir, 'pg');
    const first = await startPostgres({ dataDir, port: 0, database: 'persist_check', useEnv: false });
    try {
      assert.equal(first.startedHere, true);
      assert.match(first.url, /^postgres:\/\/postgres:[^@]+@127\.0\.0\.1:\d+\/persist_check$/);
      await query(first.url, "create table kept (v text); insert into kept values ('survives')");
    } finally {
      await first.stop();
    }
    await first.stop(); // idempotent

    // A pid file left by a killed server must not block the next start.
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    fs.writeFileSync(path.join(dataDir, 'postmaster.pid'), `${dead}\n${dataDir}\n0\n5432\n`);

    const second = await startPostgres({ dataDir, port: 0, database: 'persist_check', useEnv: false });
    try {
      const { rows } = await query(second.url, 'select v from kept');
      assert.deepEqual(rows, [{ v: 'survives' }]);
      const settings = await query(second.url, "select name, setting, unit from pg_settings where name in ('shared_buffers', 'max_wal_size') order by name");
      assert.deepEqual(settings.rows.map((r) => r.name), ['max_wal_size', 'shared_buffers'], 'the embedded server runs with its tuning');
      assert.equal(settings.rows[0].setting, '4096');
    } finally {
      await second.stop();
    }
  });

  it('reports a taken port with a typed error', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      await assert.rejects(
        startPostgres({ dataDir: path.join(dir, 'unused'), port, useEnv: false }),
        (err: unknown) => isInfraError(err, 'PORT_IN_USE') && err.message.includes(String(port)),
      );
    } finally {
      blocker.close();
    }
  });
});

it('embeddedTuning: shared_buffers an eighth of RAM, within 128 MB and 2 GB', () => {
  const gib = 2 ** 30;
  assert.deepEqual(embeddedTuning(24 * gib), ['-c', 'shared_buffers=2048MB', '-c', 'max_wal_size=4GB']);
  assert.deepEqual(embeddedTuning(8 * gib).slice(0, 2), ['-c', 'shared_buffers=1024MB']);
  assert.deepEqual(embeddedTuning(4 * gib).slice(0, 2), ['-c', 'shared_buffers=512MB']);
  assert.deepEqual(embeddedTuning(0.5 * gib).slice(0, 2), ['-c', 'shared_buffers=128MB']);
});

describe('startPostgres with DATABASE_URL', () => {
  it('uses the given server and does not own it', async (t) => {
    const url = process.env['DATABASE_URL'];
    if (url === undefined) return t.skip('needs DATABASE_URL (run via npm test)');
    const handle = await startPostgres({ dataDir: '/nonexistent' });
    assert.equal(handle.startedHere, false);
    assert.equal(handle.url, url);
    await handle.stop();
    const { rows } = await query(url, 'select 1 as one');
    assert.deepEqual(rows, [{ one: 1 }]);
  });
});
