import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { createSecretMasker } from '../secrets/secret-masker.js';
import { createLogger, runLogger } from './logger.js';

test('every line is JSON with the run context, and secrets never show', () => {
  const lines: string[] = [];
  const destination = new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(chunk.toString()), done()) });
  const masker = createSecretMasker();
  masker.add('s3cr3t-value');
  const log = runLogger(createLogger({ masker, level: 'info', destination: destination as never }), { runId: 'p/r1', pipeline: 'p', source: 'crm', stream: undefined });
  log.info({ headers: { authorization: 'Bearer abc' }, note: 'echoed s3cr3t-value back' }, 'fetched');
  const line = JSON.parse(lines.join('')) as Record<string, any>;
  assert.equal(line.runId, 'p/r1');
  assert.equal(line.pipeline, 'p');
  assert.equal(line.source, 'crm');
  assert.equal(line.level, 'info');
  assert.equal(line.headers.authorization, '***');
  assert.equal(line.note, 'echoed *** back');
  assert.ok(!('stream' in line));
});
