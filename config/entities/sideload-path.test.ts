import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSideloadPath, sideloadKeyPaths } from './sideload-path.js';

test('a side-load path splits into name, key path and the path into the side-loaded record', () => {
  assert.deepEqual(parseSideloadPath('$sideload.users[$.requester_id].email'), { name: 'users', keyPath: '$.requester_id', rest: '$.email' });
  assert.deepEqual(parseSideloadPath("$sideload.users[$.ids[0]]['e-mail']"), { name: 'users', keyPath: '$.ids[0]', rest: "$['e-mail']" });
  assert.deepEqual(parseSideloadPath("$sideload.orgs[$['a]b']]"), { name: 'orgs', keyPath: "$['a]b']", rest: '$' });
  assert.equal(parseSideloadPath('$.users'), undefined);
  assert.match(parseSideloadPath('$sideload.users') as string, /\$sideload\.<name>\[/);
  assert.match(parseSideloadPath('$sideload.users[$.id') as string, /unclosed/);
});

test("a stream's side-load key paths come from every mapping of it, under each for child mappings", () => {
  const config = {
    entities: {
      ticket: { matchOn: [], sources: { 'z.tickets': { fields: { email: '$sideload.users[$.requester_id].email', who: { template: '{$sideload.users[$.assignee_id].name}', transforms: [] } } } } },
      comment: { matchOn: [], sources: { 'z.tickets': { each: '$.comments[*]', fields: { author: '$sideload.users[$.author_id].email' } } } },
    },
  };
  assert.deepEqual(sideloadKeyPaths(config, 'z.tickets'), { users: ['$.requester_id', '$.assignee_id', '$.comments[*].author_id'] });
  assert.deepEqual(sideloadKeyPaths(config, 'z.other'), {});
});
