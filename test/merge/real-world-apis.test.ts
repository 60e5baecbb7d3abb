import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { deflateSync, gzipSync } from 'node:zlib';
import { stagedStreamId } from '../../store/staging/staged-stream.js';
import { syncPipeline } from '../../workflows/index.js';
import { type PipelineHarness, startPipelineHarness } from '../support/pipeline-harness.js';

// Emulations of well-known API shapes, each expressed by config alone and run through the real
// pipeline: a Stripe-style list paged by the last record's id, text that needs normalizing, soft
// deletes by a non-null deleted_at, a Zendesk-style export with side-loaded users, a child stream
// over 1,000 parents kept per parent, and XML and CSV APIs merged with a JSON one.

type Row = Record<string, unknown>;

const customers = Array.from({ length: 35 }, (_, i) => ({
  id: `cus_${String(i + 1).padStart(3, '0')}`,
  object: 'customer',
  email: i === 0 ? 'Ada@Example.com' : `c${i + 1}@example.com`,
  name: i === 0 ? 'Lovelace, Ada' : `Last${i + 1},  First${i + 1}`,
  phone: `+1 (555) 010-${String(i).padStart(4, '0')}`,
  tags: i % 3 === 0 ? ['vip', 'plan:pro'] : ['plan:free'],
  deleted_at: null as string | null,
}));

const users = [
  { id: 7, email: 'Req@Example.com', updated_at: '2026-12-01T00:00:00Z' },
  { id: 8, email: 'other@example.com', updated_at: '2026-12-01T00:00:00Z' },
];
const zendeskTickets = [
  { id: 1, subject: 'Printer on fire (zendesk)', requester_id: 7, updated_at: '2026-03-01T00:00:00Z' },
  { id: 2, subject: 'Login fails (zendesk)', requester_id: 8, updated_at: '2026-02-01T00:00:00Z' },
];
const helpdeskTickets = [
  { ticket_id: 1, title: 'Printer on fire (helpdesk)', modified: '2026-02-01T00:00:00Z' },
  { ticket_id: 2, title: 'Login fails (helpdesk)', modified: '2026-03-01T00:00:00Z' },
];

const PARENTS = 1000;
const accounts = Array.from({ length: PARENTS }, (_, i) => ({ id: `acct-${i + 1}`, name: `Account ${i + 1}`, updated_at: '2026-01-01T00:00:00Z' }));
const events = new Map(accounts.map((a, i) => [a.id, [{ id: `evt-${i + 1}-1`, kind: 'signup', updated_at: `2026-01-01T00:${String(i % 60).padStart(2, '0')}:00Z` }]]));
/** Child requests per account id, each with its `since`. */
const eventRequests: Array<{ account: string; since: string | null }> = [];

const xmlContacts = Array.from({ length: 40 }, (_, i) => ({ id: `x${i + 1}`, email: `person${i + 1}@example.com`, name: `Person &amp; ${i + 1}`, phone: `0${i + 1}` }));
const csvContacts = Array.from({ length: 30 }, (_, i) => ({ id: `r${i + 1}`, email: `PERSON${i + 1}@example.com`, company: i === 0 ? 'Acme, "Inc."' : `Company ${i + 1}` }));
const jsonContacts = [{ id: 'j1', email: 'person1@example.com', title: 'CTO' }];

/** Content encodings the server actually applied. */
const encoded = new Set<string>();

function send(req: IncomingMessage, res: ServerResponse, type: string, body: string, encoding?: 'gzip' | 'deflate'): void {
  res.setHeader('content-type', type);
  if (encoding && String(req.headers['accept-encoding'] ?? '').includes(encoding)) {
    res.setHeader('content-encoding', encoding);
    encoded.add(encoding);
    res.end(encoding === 'gzip' ? gzipSync(body) : deflateSync(body));
    return;
  }
  res.end(body);
}

function handle(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://x');
  const q = url.searchParams;
  if (url.pathname === '/stripe/customers') {
    const limit = Number(q.get('limit') ?? 10);
    const after = q.get('starting_after');
    const from = after === null ? 0 : customers.findIndex((c) => c.id === after) + 1;
    const data = customers.slice(from, from + limit);
    return send(req, res, 'application/json', JSON.stringify({ object: 'list', url: '/v1/customers', has_more: from + limit < customers.length, data }));
  }
  if (url.pathname === '/zendesk/incremental/tickets') {
    // Side-loaded users written with the upstream's own spacing: they must be staged byte-exact.
    const usersText = users.map((u) => `{"id": ${u.id},  "email":"${u.email}", "updated_at": "${u.updated_at}"}`).join(', ');
    return send(req, res, 'application/json', `{"tickets": ${JSON.stringify(zendeskTickets)}, "users": [${usersText}], "end_of_stream": true}`);
  }
  if (url.pathname === '/helpdesk/tickets') return send(req, res, 'application/json', JSON.stringify(helpdeskTickets));
  if (url.pathname === '/crm/accounts') {
    const page = Number(q.get('page') ?? 1);
    return send(req, res, 'application/json', JSON.stringify({ total_pages: PARENTS / 100, data: accounts.slice((page - 1) * 100, page * 100) }));
  }
  const child = /^\/crm\/accounts\/([^/]+)\/events$/.exec(url.pathname);
  if (child) {
    const since = q.get('since');
    eventRequests.push({ account: child[1]!, since });
    const data = (events.get(child[1]!) ?? []).filter((e) => since === null || e.updated_at > since);
    return send(req, res, 'application/json', JSON.stringify({ data }));
  }
  if (url.pathname === '/xml/contacts') {
    const page = Number(q.get('page') ?? 1);
    const items = xmlContacts.slice((page - 1) * 20, page * 20);
    const body = `<?xml version="1.0" encoding="UTF-8"?>\n<response><contacts>${items.map((c) => `<contact id="${c.id}"><email>${c.email}</email><name>${c.name}</name><phone>${c.phone}</phone></contact>`).join('')}</contacts></response>`;
    return send(req, res, 'application/xml; charset=utf-8', body, 'gzip');
  }
  if (url.pathname === '/csv/contacts') {
    const offset = Number(q.get('offset') ?? 0);
    const rows = csvContacts.slice(offset, offset + 20);
    const body = `id,email,company\r\n${rows.map((r) => `${r.id},${r.email},"${r.company.replaceAll('"', '""')}"`).join('\r\n')}\r\n`;
    return send(req, res, 'text/csv', body, 'deflate');
  }
  if (url.pathname === '/json/contacts') return send(req, res, 'application/json', JSON.stringify(jsonContacts));
  res.statusCode = 404;
  res.end('{"error":"not found"}');
}

const configYaml = (base: string, limit: number) => String.raw`version: 1
sources:
  stripe:
    type: rest
    baseUrl: ${base}/stripe
    streams:
      customers:
        path: /customers
        params: { limit: ${limit} }
        primaryKey: $.id
        pagination: { type: cursor, cursorPath: '$.data[-1].id', param: starting_after, hasMorePath: $.has_more }
  zendesk:
    type: rest
    baseUrl: ${base}/zendesk
    streams:
      tickets:
        path: /incremental/tickets
        params: { include: users }
        recordsPath: $.tickets
        primaryKey: $.id
        sideload: { users: { path: $.users, key: $.id } }
  helpdesk:
    type: rest
    baseUrl: ${base}/helpdesk
    streams:
      tickets: { path: /tickets, primaryKey: $.ticket_id }
  crm:
    type: rest
    baseUrl: ${base}/crm
    streams:
      accounts:
        path: /accounts
        recordsPath: $.data
        primaryKey: $.id
        pagination: { type: page_number, totalPagesPath: $.total_pages }
      events:
        path: /accounts/{parent.id}/events
        params: { since: '{incremental.start}' }
        recordsPath: $.data
        primaryKey: $.id
        incremental: { cursorField: $.updated_at }
        parent: { stream: accounts, fields: { account_id: $.id }, onlyChanged: true }
  xmlapi:
    type: rest
    baseUrl: ${base}/xml
    streams:
      contacts:
        path: /contacts
        format: xml
        xml: { arrays: [contact] }
        recordsPath: $.response.contacts.contact
        primaryKey: "$['@id']"
        pagination: { type: page_number, size: 20 }
  csvapi:
    type: rest
    baseUrl: ${base}/csv
    streams:
      contacts:
        path: /contacts
        primaryKey: $.id
        pagination: { type: offset, limit: 20 }
  jsonapi:
    type: rest
    baseUrl: ${base}/json
    streams:
      contacts: { path: /contacts, primaryKey: $.id }
entities:
  customer:
    matchOn: [email]
    fields:
      email: { type: string, required: true }
      name: { type: string }
      plan: { type: string }
      phone: { type: string }
    sources:
      stripe.customers:
        deletedWhen: { path: $.deleted_at, notNull: true }
        skipWhen: { path: $.email, matches: '@test\.invalid$' }
        fields:
          email: { path: $.email, transforms: [lower] }
          name: { path: $.name, transforms: [{ regex_replace: { pattern: '^\s*([^,]+),\s*(.+?)\s*$', with: '$2 $1' } }] }
          plan: { path: $.tags, transforms: [{ pick: { where: "search(@, '^plan:')" } }, { split: { separator: ':', index: -1 } }] }
          phone: { path: $.phone, transforms: [{ regex_replace: { pattern: '[^+\d]', with: '' } }] }
  ticket:
    matchOn: [ticket_id]
    defaultStrategy: latest
    fields:
      ticket_id: { type: integer, required: true }
      subject: { type: string }
      requester_email: { type: string }
    sources:
      zendesk.tickets:
        updatedAt: $.updated_at
        fields:
          ticket_id: $.id
          subject: $.subject
          requester_email: { path: '$sideload.users[$.requester_id].email', transforms: [lower] }
      helpdesk.tickets:
        updatedAt: $.modified
        fields: { ticket_id: $.ticket_id, subject: $.title }
  account:
    matchOn: [account_id]
    fields: { account_id: { type: string, required: true }, name: { type: string } }
    sources:
      crm.accounts: { fields: { account_id: $.id, name: $.name } }
  account_event:
    matchOn: [event_id]
    fields: { event_id: { type: string, required: true }, account_id: { type: string }, kind: { type: string } }
    sources:
      crm.events: { fields: { event_id: $.id, account_id: $.account_id, kind: $.kind } }
  contact:
    matchOn: [email]
    fields:
      email: { type: string, required: true }
      name: { type: string }
      phone: { type: string }
      company: { type: string }
      title: { type: string }
    sources:
      xmlapi.contacts: { fields: { email: { path: $.email, transforms: [lower] }, name: $.name, phone: $.phone } }
      csvapi.contacts: { fields: { email: { path: $.email, transforms: [lower] }, company: $.company } }
      jsonapi.contacts: { fields: { email: { path: $.email, transforms: [lower] }, title: $.title } }
pipelines:
  stripe: { schedule: { every: 1h, paused: true }, sources: [stripe] }
  tickets: { schedule: { every: 1h, paused: true }, sources: [zendesk, helpdesk] }
  accounts: { schedule: { every: 1h, paused: true }, sources: [crm] }
  contacts: { schedule: { every: 1h, paused: true }, sources: [xmlapi, csvapi, jsonapi] }
`;

let server: Server;
let dir: string;
let base: string;
let h: PipelineHarness;

before(async () => {
  server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  dir = await mkdtemp(join(tmpdir(), 'tributary-real-world-'));
  await writeFile(join(dir, 'pipeline.yaml'), configYaml(base, 100));
  h = await startPipelineHarness({ configPath: join(dir, 'pipeline.yaml') });
});
after(async () => {
  await h?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  if (dir) await rm(dir, { recursive: true, force: true });
});

const run = (pipeline: string, workflowId: string) => h.client.workflow.execute(syncPipeline, { workflowId, taskQueue: h.taskQueue, args: [{ pipeline, windowEnd: '2026-10-01T00:00:00Z' }] });

const rows = async (table: string, order = 'email'): Promise<Row[]> => (await h.db.selectFrom(`unified.${table}` as never).selectAll().orderBy(order as never).execute()) as Row[];

const stagedTexts = async (runId: string, source: string, stream: string): Promise<string[]> =>
  (await h.db.selectFrom('tributary.staged_record').select('payload').where('stream_id', '=', stagedStreamId({ runId, source, stream })).orderBy('id').execute()).map((r) => r.payload);

test('a Stripe-style list paged by the last record id, names, plans and phones normalized, soft deletes by deleted_at', { timeout: 120_000 }, async () => {
  const first = await run('stripe', 'rw-stripe-100');
  assert.equal(first.streams[0]?.records, customers.length);
  const live = await rows('customer');
  assert.equal(live.length, customers.length);
  const ada = live.find((r) => r.email === 'ada@example.com')!;
  assert.deepEqual([ada.name, ada.plan, ada.phone], ['Ada Lovelace', 'pro', '+15550100000']);
  const second = live.find((r) => r.email === 'c2@example.com')!;
  assert.deepEqual([second.name, second.plan], ['First2 Last2', 'free']);

  // The same list with pages of 10: the same records, byte for byte, in the same order.
  await writeFile(join(dir, 'small.yaml'), configYaml(base, 10));
  const small = await startPipelineHarness({ configPath: join(dir, 'small.yaml') });
  try {
    const paged = await small.client.workflow.execute(syncPipeline, { workflowId: 'rw-stripe-10', taskQueue: small.taskQueue, args: [{ pipeline: 'stripe', windowEnd: '2026-10-01T00:00:00Z' }] });
    assert.equal(paged.streams[0]?.pages, 4);
    const texts10 = (await small.db.selectFrom('tributary.staged_record').select('payload').where('stream_id', '=', stagedStreamId({ runId: 'rw-stripe-10', source: 'stripe', stream: 'customers' })).orderBy('id').execute()).map((r) => r.payload);
    assert.deepEqual(texts10, await stagedTexts('rw-stripe-100', 'stripe', 'customers'));
  } finally {
    await small.close();
  }

  // Two customers are soft-deleted upstream, one becomes a test account that is skipped.
  customers[1]!.deleted_at = '2026-05-01T00:00:00Z';
  customers[2]!.deleted_at = '2026-05-01T00:00:00Z';
  customers[3]!.email = 'qa@test.invalid';
  const third = await run('stripe', 'rw-stripe-deletes');
  const summary = third.entities.find((e) => e.entity === 'customer')!;
  assert.equal(summary.skipped, 1);
  const after = await rows('customer');
  const deleted = after.filter((r) => r._deleted_at !== null).map((r) => r.email);
  assert.deepEqual(deleted.sort(), ['c2@example.com', 'c3@example.com', 'c4@example.com'], 'deleted_at not null withdrew two; the skipped one withdrew its earlier contribution');
  assert.equal(after.filter((r) => r._deleted_at === null).length, customers.length - 3);
});

test("side-loaded users are joined by id and staged byte-exact; the ticket's own updated_at decides latest", { timeout: 120_000 }, async () => {
  await run('tickets', 'rw-tickets-1');
  const tickets = await rows('ticket', 'ticket_id');
  assert.deepEqual(
    tickets.map((t) => [t.ticket_id, t.subject, t.requester_email]),
    [
      [1, 'Printer on fire (zendesk)', 'req@example.com'],
      [2, 'Login fails (helpdesk)', 'other@example.com'],
    ],
  );
  const [staged] = await stagedTexts('rw-tickets-1', 'zendesk', 'tickets');
  assert.equal(staged, `${JSON.stringify(zendeskTickets[0]).slice(0, -1)},"$sideload":{"users":{"7":{"id": 7,  "email":"Req@Example.com", "updated_at": "2026-12-01T00:00:00Z"}}}}`);

  // Only the side-loaded user changed: the ticket's staged record changes with it and is merged again.
  users[0]!.email = 'requester@example.com';
  await run('tickets', 'rw-tickets-2');
  assert.equal((await rows('ticket', 'ticket_id'))[0]!.requester_email, 'requester@example.com');
});

test('a child stream over 1,000 parents keeps its state per parent: a rerun requests only changed parents, each from its own watermark', { timeout: 180_000 }, async () => {
  await run('accounts', 'rw-accounts-1');
  assert.equal(eventRequests.length, PARENTS);
  assert.ok(eventRequests.every((r) => r.since === null), 'no watermark yet: every parent from the start');
  assert.equal((await rows('account_event', 'event_id')).length, PARENTS);

  // Ten accounts get a new event (and a new updated_at); the others are as they were.
  const changed = accounts.filter((_, i) => i % 100 === 7);
  const previous = new Map(changed.map((a) => [a.id, events.get(a.id)![0]!.updated_at]));
  for (const a of changed) {
    a.updated_at = '2026-06-01T00:00:00Z';
    events.get(a.id)!.push({ id: `evt-${a.id}-2`, kind: 'upgrade', updated_at: '2026-06-01T00:00:00Z' });
  }
  eventRequests.length = 0;
  await run('accounts', 'rw-accounts-2');
  assert.deepEqual(eventRequests.map((r) => r.account).sort(), changed.map((a) => a.id).sort(), 'only the changed parents');
  for (const r of eventRequests) assert.equal(r.since, new Date(previous.get(r.account)!).toISOString(), `${r.account} starts at its own watermark`);
  const merged = await rows('account_event', 'event_id');
  assert.equal(merged.length, PARENTS + changed.length);
  assert.equal(merged.find((e) => e.event_id === `evt-${changed[0]!.id}-2`)?.account_id, changed[0]!.id);

  // Nothing changed: no child request at all.
  eventRequests.length = 0;
  await run('accounts', 'rw-accounts-3');
  assert.equal(eventRequests.length, 0);
});

test('an XML API (gzip) and a CSV export (deflate), both paged, merge with a JSON source into one entity', { timeout: 120_000 }, async () => {
  const summary = await run('contacts', 'rw-contacts-1');
  assert.deepEqual([...encoded].sort(), ['deflate', 'gzip'], 'the bodies arrived compressed');
  const byStream = Object.fromEntries(summary.streams.map((s) => [s.source, s]));
  assert.equal(byStream.xmlapi?.records, 40);
  assert.equal(byStream.xmlapi?.pages, 3, 'two full pages, then an empty <contacts/>');
  assert.equal(byStream.csvapi?.records, 30);
  const contacts = await rows('contact');
  assert.equal(contacts.length, 40);
  const one = contacts.find((c) => c.email === 'person1@example.com')!;
  assert.deepEqual([one.name, one.phone, one.company, one.title], ['Person & 1', '01', 'Acme, "Inc."', 'CTO']);
  const [xml] = await stagedTexts('rw-contacts-1', 'xmlapi', 'contacts');
  assert.deepEqual(JSON.parse(xml!), { '@id': 'x1', email: 'person1@example.com', name: 'Person & 1', phone: '01' }, 'element and attribute text as sent: 01 stays text');
});
