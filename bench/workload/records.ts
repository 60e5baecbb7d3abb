/**
 * The bench's upstream data: three sources describing overlapping people, generated from the
 * record index alone (no memory grows with N), about 600 bytes of nested JSON each.
 *
 * With N records in total, the CRM holds 40 % of them (people [0, 0.4N)), billing 30 % (people
 * [0.2N, 0.5N)) and support 30 % (people [0.3N, 0.6N)): 0.6N distinct people, a third of whom
 * appear in two or three sources with conflicting names, phones and update times.
 *
 * A `generation` models upstream change: each generation rewrites about 10 % of the records of
 * the previous one (new phone, plan, tier and a later update time).
 */

/** The bench's sources, in the order the systems read them. */
export const SOURCES = ['crm', 'billing', 'support'] as const;

/** One of the bench's sources. */
export type BenchSource = (typeof SOURCES)[number];

/** How many records a source holds, and which person its record 0 is. */
export interface SourceShape {
  readonly count: number;
  readonly firstPerson: number;
}

/** Record counts and person offsets of each source for N records in total. */
export function shapeOf(total: number): Record<BenchSource, SourceShape> {
  const crm = Math.floor(total * 0.4);
  const billing = Math.floor(total * 0.3);
  return {
    crm: { count: crm, firstPerson: 0 },
    billing: { count: billing, firstPerson: Math.floor(total * 0.2) },
    support: { count: total - crm - billing, firstPerson: Math.floor(total * 0.3) },
  };
}

// A 32-bit integer hash (murmur3 finalizer): cheap, deterministic, well mixed.
function mix(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

const FIRST = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Frances', 'Ken', 'Margaret', 'Dennis', 'Radia', 'Leslie'];
const LAST = ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Knuth', 'Allen', 'Thompson', 'Hamilton', 'Ritchie', 'Perlman', 'Lamport'];
const CITIES = [['Berlin', 'DE'], ['Lyon', 'FR'], ['Austin', 'US'], ['Leeds', 'GB'], ['Porto', 'PT'], ['Osaka', 'JP'], ['Turin', 'IT'], ['Ghent', 'BE']] as const;
const COMPANIES = ['Initech', 'Globex', 'Umbrella', 'Hooli', 'Stark Industries', 'Wayne Enterprises', 'Acme Corp', 'Vandelay'];
const STAGES = ['lead', 'prospect', 'customer', 'churned'];
const PLANS = ['starter', 'pro', 'enterprise'];
const TAGS = ['vip', 'beta', 'newsletter', 'partner', 'trial', 'webinar', 'referral'];
const BASE_MS = Date.UTC(2025, 0, 1);

/** How many times person `p`'s record in `source` changed up to `generation` (about 10 % per generation). */
export function versionOf(source: BenchSource, p: number, generation: number): number {
  let v = 0;
  for (let g = 1; g <= generation; g++) if (mix(p * 31 + g * 7919 + source.length) % 10 === 0) v++;
  return v;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** The `i`th record of `source` at `generation`, as the upstream API returns it. */
export function recordOf(source: BenchSource, shape: SourceShape, i: number, generation: number): Record<string, unknown> {
  const p = shape.firstPerson + i;
  const h = mix(p);
  const v = versionOf(source, p, generation);
  const first = FIRST[h % FIRST.length]!;
  const last = LAST[(h >>> 4) % LAST.length]!;
  const [city, country] = CITIES[(h >>> 8) % CITIES.length]!;
  const company = COMPANIES[(h >>> 12) % COMPANIES.length]!;
  const email = `${first}.${last}.${p}@example.com`;
  const created = BASE_MS + (h % 10_000_000) * 1000;
  // Each source saw its last change at a different time, so `latest` has something to decide.
  const updated = created + (mix(p ^ source.length) % 1_000_000) * 1000 + v * 86_400_000;
  const phone = `+49 30 ${String((h + v * 7) % 10_000_000).padStart(7, '0')}`;
  if (source === 'crm') {
    return {
      id: `crm-${p}`,
      email: p % 7 === 0 ? email.toUpperCase() : email,
      first_name: first,
      last_name: last,
      phone,
      company,
      lifecycle_stage: STAGES[(h + v) % STAGES.length],
      tags: [TAGS[h % TAGS.length], TAGS[(h >>> 3) % TAGS.length]],
      address: { street: `${(h % 200) + 1} Long Street`, city, postal_code: String(10000 + (h % 89999)), country },
      owner: { id: `usr-${h % 50}`, name: `${FIRST[(h >>> 6) % FIRST.length]} ${LAST[(h >>> 9) % LAST.length]}` },
      custom_fields: { score: h % 100, source: 'web', consent: h % 2 === 0 },
      created_at: iso(created),
      updated_at: iso(updated),
    };
  }
  if (source === 'billing') {
    return {
      customer_id: `cus_${p.toString(36)}`,
      name: `${first} ${last}`.toUpperCase(),
      contact: { email: `  ${email}  `, phone: (h + v) % 5 === 0 ? null : phone },
      plan: PLANS[(h + v) % PLANS.length],
      status: v % 2 === 0 ? 'active' : 'past_due',
      mrr_cents: 1000 + (h % 90_000) + v * 500,
      currency: 'eur',
      billing_address: { line1: `${(h % 200) + 1} Long Street`, city, country },
      invoices: { count: h % 40, last_invoice_at: iso(updated - 3_600_000), overdue: v % 3 === 1 },
      created_at: iso(created),
      updated_at: iso(updated + 60_000),
    };
  }
  return {
    id: `sup-${p}`,
    email,
    displayName: `${first} ${last[0]}.`,
    phone: v % 2 === 0 ? phone : null,
    tier: (h + v) % 3 === 0 ? 'PRIORITY' : 'STANDARD',
    openTickets: (h + v) % 6,
    organization: { name: company, domain: `${company.toLowerCase().replace(/[^a-z]/g, '')}.example` },
    lastTicket: { id: `T-${h % 100000}`, subject: 'Cannot export invoices to CSV', createdAt: iso(updated - 7_200_000) },
    createdAt: iso(created),
    updatedAt: iso(updated - 30_000),
  };
}
