import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatOf, parseBody } from './parse-body.js';

test('the format comes from the config, else the content type (JSON when it names none)', () => {
  assert.equal(formatOf('application/xml; charset=utf-8', undefined), 'xml');
  assert.equal(formatOf('text/csv', undefined), 'csv');
  assert.equal(formatOf('', undefined), 'json');
  assert.equal(formatOf('application/vnd.api+json', undefined), 'json');
  assert.equal(formatOf('text/plain', undefined), undefined);
  assert.equal(formatOf('text/plain', 'csv'), 'csv');
});

test('XML values stay the text as sent; attributes are @name; listed elements are always lists', () => {
  const xml = '<?xml version="1.0"?><r><items><item id="7"><n>007</n><flag>true</flag><note lang="en">a &amp; b</note></item></items></r>';
  assert.deepEqual(parseBody(xml, 'xml', { xmlArrays: ['item'] }), { r: { items: { item: [{ '@id': '7', n: '007', flag: 'true', note: { '@lang': 'en', '#text': 'a & b' } }] } } });
  assert.throws(() => parseBody('<r><a></r>', 'xml'), /malformed XML/);
});

test('CSV rows become objects keyed by the header, or by given columns; quoted cells keep their commas', () => {
  assert.deepEqual(parseBody('\uFEFFid,name\r\n1,"Acme, ""Inc."""\r\n2,\r\n', 'csv'), [
    { id: '1', name: 'Acme, "Inc."' },
    { id: '2', name: '' },
  ]);
  assert.deepEqual(parseBody('1;x\n', 'csv', { csvDelimiter: ';', csvColumns: ['id', 'v'] }), [{ id: '1', v: 'x' }]);
  assert.throws(() => parseBody('id,name\n1,"unclosed\n', 'csv'));
});

test('XML: an empty container is an empty page; a records path naming an element the container lacks is an error', async () => {
  const { selectRecords } = await import('../json/select-records.js');
  const empty = parseBody('<r><items count="0"/></r>', 'xml');
  assert.deepEqual(selectRecords(empty, '$.r.items.item', 'u', { format: 'xml' }).records, []);
  const full = parseBody('<r><items><item>1</item></items></r>', 'xml');
  assert.throws(() => selectRecords(full, '$.r.items.itme', 'u', { format: 'xml' }), /no records at \$\.r\.items\.itme/);
});
