/** CRM lifecycle stages; they lag behind billing on purpose (sales rarely updates them). */
export type CrmLifecycleStage = 'lead' | 'opportunity' | 'customer' | 'churned';

/** A contact as the CRM REST API returns it (snake_case, ISO timestamps). */
export interface CrmContact {
  /** CRM id, e.g. `crm_00017`; the API orders by it. */
  id: string;
  /** Email as typed into the CRM: same address as elsewhere, but case/whitespace may differ. */
  email: string | null;
  first_name: string;
  last_name: string;
  /** Free-form phone, formatted differently from the other systems. */
  phone: string | null;
  company: string | null;
  lifecycle_stage: CrmLifecycleStage;
  tags: string[];
  address: { street: string; city: string; country: string };
  /** ISO 8601 timestamp of the last change. */
  updated_at: string;
}

/** Billing plans. */
export type BillingPlan = 'starter' | 'pro' | 'enterprise';

/** A customer as the billing REST API returns it (integer ids, money in cents, epoch seconds). */
export interface BillingCustomer {
  /** Integer id, e.g. 9001; the API orders by it. */
  customer_id: number;
  /** A single name field: sometimes a nickname or an older surname. */
  name: string;
  contact: { email: string | null; phone: string | null };
  plan: BillingPlan;
  /** Monthly recurring revenue in minor units (0 once cancelled). */
  mrr_cents: number;
  /** ISO 4217 code. */
  currency: 'USD' | 'EUR' | 'GBP';
  status: 'active' | 'cancelled';
  /** Unix epoch seconds of the last change. */
  updated_at: number;
}

/** Support tiers, as stored (the GraphQL enum exposes them upper-case). */
export type SupportTier = 'standard' | 'priority';

/** A customer as the support desk GraphQL API returns it (camelCase). */
export interface SupportCustomer {
  /** Support id, e.g. `sup_042`; the API orders by it. */
  id: string;
  email: string | null;
  displayName: string;
  phone: string | null;
  tier: SupportTier;
  openTickets: number;
  organization: { name: string; domain: string | null } | null;
  /** ISO 8601 timestamp of the last change. */
  updatedAt: string;
}

/**
 * The ground truth behind the three systems: one real human and where they appear. Tests use
 * it to check that a merge found exactly the right people; the APIs never expose it.
 */
export interface DemoPerson {
  /** Stable key, e.g. `person_007`. */
  key: string;
  /** The address in canonical form (trimmed, lower-case). */
  email: string;
  firstName: string;
  lastName: string;
  company: string | null;
  /** Id in each system, or null when the person is absent from it. */
  crmId: string | null;
  billingId: number | null;
  supportId: string | null;
}

/**
 * Everything the demo APIs serve. The servers read it on every request, so a test may mutate
 * it (edit, add or remove records) between sync runs and see the change upstream.
 */
export interface DemoDataset {
  /** Ground truth, one entry per person. */
  people: DemoPerson[];
  crm: { contacts: CrmContact[] };
  billing: { customers: BillingCustomer[] };
  support: { customers: SupportCustomer[] };
}
