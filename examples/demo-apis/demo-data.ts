import type {
  BillingCustomer,
  BillingPlan,
  CrmContact,
  CrmLifecycleStage,
  DemoDataset,
  DemoPerson,
  SupportCustomer,
  SupportTier,
} from './demo-records.js';
import { AREA_CODES, CITIES, COMPANIES, CRM_TAGS, FIRST_NAMES, LAST_NAMES, PERSONAL_EMAIL_DOMAINS, STREETS } from './demo-vocabulary.js';
import { asciiFold, emailLocalPart, formatPhone, messyEmail, type PhoneStyle } from './messy-formats.js';
import { SeededRandom } from './seeded-random.js';

/** Fixed "now" of the demo universe; every update time lies in the 90 days before it. */
export const DEMO_BASE_DATE = new Date('2026-10-01T00:00:00Z');

/** Default number of people. */
export const DEFAULT_DEMO_PEOPLE = 60;

/** Default seed. */
export const DEFAULT_DEMO_SEED = 20261001;

/** Options of {@link createDemoDataset}. */
export interface DemoDatasetOptions {
  /** How many distinct humans to generate (default 60). */
  people?: number;
  /** PRNG seed (default {@link DEFAULT_DEMO_SEED}); the same seed always gives the same data. */
  seed?: number;
}

type System = 'crm' | 'billing' | 'support';

/**
 * Which systems a person appears in, with the share of people in each combination. Fixed
 * quotas (not coin flips) keep the headline numbers predictable: with 60 people exactly 27
 * are in all three systems.
 */
const MEMBERSHIP_QUOTAS: readonly { systems: readonly System[]; share: number }[] = [
  { systems: ['crm', 'billing', 'support'], share: 0.45 },
  { systems: ['crm', 'billing'], share: 0.15 },
  { systems: ['crm', 'support'], share: 0.12 },
  { systems: ['billing', 'support'], share: 0.08 },
  { systems: ['crm'], share: 0.1 },
  { systems: ['billing'], share: 0.05 },
  { systems: ['support'], share: 0.05 },
];

const DAY_SECONDS = 86_400;
const baseEpoch = Math.floor(DEMO_BASE_DATE.getTime() / 1000);

/**
 * A fresh, deterministic universe of people spread over the CRM, billing and support systems,
 * each system with its own ids, formats and stale or conflicting values. Every call returns new
 * objects, so a test may mutate its copy freely.
 */
export function createDemoDataset(opts: DemoDatasetOptions = {}): DemoDataset {
  const count = opts.people ?? DEFAULT_DEMO_PEOPLE;
  const seed = opts.seed ?? DEFAULT_DEMO_SEED;
  if (!Number.isInteger(count) || count < 1 || count > 100_000) throw new Error(`people must be an integer in 1..100000, got ${count}`);
  if (!Number.isInteger(seed)) throw new Error(`seed must be an integer, got ${seed}`);

  const memberships = assignMemberships(count, SeededRandom.derive(seed, 'membership'));
  const ids = assignIds(memberships, seed);
  const emailless = chooseEmailless(memberships, SeededRandom.derive(seed, 'emailless'));
  const usedEmails = new Set<string>();

  const dataset: DemoDataset = { people: [], crm: { contacts: [] }, billing: { customers: [] }, support: { customers: [] } };
  memberships.forEach((systems, i) => {
    const rng = SeededRandom.derive(seed, `person:${i}`);
    const person = generatePerson(i, systems, ids, emailless.get(i) ?? null, rng, usedEmails);
    dataset.people.push(person.truth);
    if (person.crm) dataset.crm.contacts.push(person.crm);
    if (person.billing) dataset.billing.customers.push(person.billing);
    if (person.support) dataset.support.customers.push(person.support);
  });
  // The APIs order by id; storing in that order means `contacts[0]` is what page one shows first.
  dataset.crm.contacts.sort((a, b) => (a.id < b.id ? -1 : 1));
  dataset.billing.customers.sort((a, b) => a.customer_id - b.customer_id);
  dataset.support.customers.sort((a, b) => (a.id < b.id ? -1 : 1));
  return dataset;
}

/** Splits `count` people over the membership combinations by largest remainder, then shuffles. */
function assignMemberships(count: number, rng: SeededRandom): (readonly System[])[] {
  const exact = MEMBERSHIP_QUOTAS.map((q) => q.share * count);
  const sizes = exact.map(Math.floor);
  const byRemainder = exact.map((x, i) => ({ i, r: x - Math.floor(x) })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (let k = 0; sizes.reduce((a, b) => a + b, 0) < count; k++) sizes[byRemainder[k % byRemainder.length]!.i]!++;
  const list = MEMBERSHIP_QUOTAS.flatMap((q, i) => Array.from({ length: sizes[i]! }, () => q.systems));
  return rng.shuffle(list);
}

/**
 * About a tenth of the people present everywhere (at least one) lack an email in one system,
 * so a merge keyed on email has something to cope with. Chosen by quota to keep it predictable.
 */
function chooseEmailless(memberships: (readonly System[])[], rng: SeededRandom): Map<number, System> {
  const everywhere = memberships.flatMap((systems, i) => (systems.length === 3 ? [i] : []));
  const chosen = rng.shuffle(everywhere).slice(0, everywhere.length === 0 ? 0 : Math.max(1, Math.round(everywhere.length / 10)));
  return new Map(chosen.sort((a, b) => a - b).map((i) => [i, rng.pick(['crm', 'billing', 'support'] as const)]));
}

interface PersonIds {
  crm: Map<number, string>;
  billing: Map<number, number>;
  support: Map<number, string>;
}

/**
 * Each system numbers its records in its own (shuffled) order with occasional gaps from
 * deleted records, so id order differs per system and ids never line up by accident.
 */
function assignIds(memberships: (readonly System[])[], seed: number): PersonIds {
  const membersOf = (s: System) => memberships.flatMap((systems, i) => (systems.includes(s) ? [i] : []));
  const crmRng = SeededRandom.derive(seed, 'ids:crm');
  const billingRng = SeededRandom.derive(seed, 'ids:billing');
  const supportRng = SeededRandom.derive(seed, 'ids:support');
  const crm = new Map<number, string>();
  let next = 1;
  for (const i of crmRng.shuffle(membersOf('crm'))) {
    crm.set(i, `crm_${String(next).padStart(5, '0')}`);
    next += crmRng.int(1, 3);
  }
  const billing = new Map<number, number>();
  next = 9001;
  for (const i of billingRng.shuffle(membersOf('billing'))) {
    billing.set(i, next);
    next += billingRng.int(1, 2);
  }
  const support = new Map<number, string>();
  next = 1;
  for (const i of supportRng.shuffle(membersOf('support'))) {
    support.set(i, `sup_${String(next).padStart(3, '0')}`);
    next += 1;
  }
  return { crm, billing, support };
}

interface GeneratedPerson {
  truth: DemoPerson;
  crm: CrmContact | null;
  billing: BillingCustomer | null;
  support: SupportCustomer | null;
}

function generatePerson(
  index: number,
  systems: readonly System[],
  ids: PersonIds,
  emaillessSystem: System | null,
  rng: SeededRandom,
  usedEmails: Set<string>,
): GeneratedPerson {
  const first = rng.pick(FIRST_NAMES);
  const lastName = rng.pick(LAST_NAMES);
  // An older surname (e.g. before marriage) that billing never updated.
  const olderSurname = rng.pick(LAST_NAMES.filter((n) => n !== lastName));
  const company = rng.chance(0.8) ? rng.pick(COMPANIES) : null;
  const email = uniqueEmail(first.name, lastName, company ? company.domain : rng.pick(PERSONAL_EMAIL_DOMAINS), usedEmails);
  const place = rng.pick(CITIES);
  const areaCode = rng.pick(AREA_CODES);
  const phoneLocal = `55501${String(rng.int(0, 99)).padStart(2, '0')}`;
  const phone = (style: PhoneStyle, missingChance: number) => (rng.chance(missingChance) ? null : formatPhone(areaCode, phoneLocal, style));
  const updatedAt = () => baseEpoch - rng.int(DAY_SECONDS / 2, 90 * DAY_SECONDS);

  const inCrm = systems.includes('crm');
  const inBilling = systems.includes('billing');
  const inSupport = systems.includes('support');
  const emailFor = (s: System) => (emaillessSystem === s ? null : messyEmail(email, rng));

  const plan: BillingPlan = rng.chance(0.5) ? 'starter' : rng.chance(0.7) ? 'pro' : 'enterprise';
  const status = rng.chance(0.85) ? 'active' : 'cancelled';

  let crm: CrmContact | null = null;
  if (inCrm) {
    crm = {
      id: ids.crm.get(index)!,
      email: emailFor('crm'),
      first_name: first.name,
      last_name: lastName,
      phone: phone('international', 0.1),
      company: company?.name ?? null,
      lifecycle_stage: lifecycleStage(inBilling, status, rng),
      tags: CRM_TAGS.filter((tag) => (tag === 'vip' ? inBilling && plan === 'enterprise' : rng.chance(0.25))),
      address: { street: `${rng.int(1, 250)} ${rng.pick(STREETS)}`, city: place.city, country: place.country },
      updated_at: new Date(updatedAt() * 1000).toISOString(),
    };
  }

  let billing: BillingCustomer | null = null;
  if (inBilling) {
    billing = {
      customer_id: ids.billing.get(index)!,
      name: billingName(first, lastName, olderSurname, rng),
      contact: { email: emailFor('billing'), phone: phone(rng.chance(0.5) ? 'e164' : 'dotted', 0.2) },
      plan,
      mrr_cents: status === 'cancelled' ? 0 : monthlyCents(plan, rng),
      currency: place.country === 'GB' ? 'GBP' : place.country === 'DE' || place.country === 'FR' ? 'EUR' : 'USD',
      status,
      updated_at: updatedAt(),
    };
  }

  let support: SupportCustomer | null = null;
  if (inSupport) {
    support = {
      id: ids.support.get(index)!,
      email: emailFor('support'),
      displayName: displayName(first, lastName, rng),
      phone: phone('national', 0.3),
      tier: supportTier(inBilling ? plan : null, rng),
      openTickets: rng.chance(0.5) ? 0 : rng.int(1, 6),
      organization: company ? { name: rng.chance(0.5) ? company.legalName : company.name, domain: rng.chance(0.8) ? company.domain : null } : null,
      updatedAt: new Date(updatedAt() * 1000).toISOString(),
    };
  }

  return {
    truth: {
      key: `person_${String(index + 1).padStart(3, '0')}`,
      email,
      firstName: first.name,
      lastName,
      company: company?.name ?? null,
      crmId: crm?.id ?? null,
      billingId: billing?.customer_id ?? null,
      supportId: support?.id ?? null,
    },
    crm,
    billing,
    support,
  };
}

/** `first.last@domain`, falling back to `flast`, then a numeric suffix, so no two people share an address. */
function uniqueEmail(first: string, last: string, domain: string, used: Set<string>): string {
  const local = emailLocalPart(first, last);
  const candidates = [local, `${local[0]}${local.split('.')[1] ?? ''}`];
  for (let n = 2; ; n++) {
    const candidate = candidates.shift() ?? `${local}${n}`;
    const email = `${candidate}@${domain}`;
    if (!used.has(email)) {
      used.add(email);
      return email;
    }
  }
}

/** Sales updates stages late, so a paying customer may still be an "opportunity". */
function lifecycleStage(inBilling: boolean, status: BillingCustomer['status'], rng: SeededRandom): CrmLifecycleStage {
  if (!inBilling) return rng.chance(0.6) ? 'lead' : 'opportunity';
  if (status === 'cancelled') return rng.chance(0.6) ? 'churned' : 'customer';
  return rng.chance(0.85) ? 'customer' : 'opportunity';
}

/** Billing's one name field: usually the full name, sometimes a nickname or a pre-marriage surname, always ASCII. */
function billingName(first: { name: string; nickname?: string }, last: string, olderSurname: string, rng: SeededRandom): string {
  const roll = rng.next();
  const given = roll < 0.2 && first.nickname ? first.nickname : first.name;
  const family = roll >= 0.2 && roll < 0.32 ? olderSurname : last;
  return asciiFold(`${given} ${family}`);
}

/** What the support agent typed: full name, initial, nickname or a lower-case first name. */
function displayName(first: { name: string; nickname?: string }, last: string, rng: SeededRandom): string {
  const roll = rng.next();
  if (roll < 0.6) return `${first.name} ${last}`;
  if (roll < 0.8) return `${first.name} ${last[0]}.`;
  if (roll < 0.9) return first.nickname ?? first.name;
  return first.name.toLowerCase();
}

/** Monthly price in cents; pro and enterprise scale with seats. */
function monthlyCents(plan: BillingPlan, rng: SeededRandom): number {
  if (plan === 'starter') return 2900;
  if (plan === 'pro') return 9900 * rng.int(1, 5);
  return 49_900 * rng.int(2, 10);
}

/** Support tiers follow the plan loosely; the desk grants priority by hand now and then. */
function supportTier(plan: BillingPlan | null, rng: SeededRandom): SupportTier {
  const p = plan === 'enterprise' ? 0.85 : plan === 'pro' ? 0.25 : 0.1;
  return rng.chance(p) ? 'priority' : 'standard';
}
