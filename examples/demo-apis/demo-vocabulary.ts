/**
 * The word lists the demo dataset draws from. Companies are Microsoft's well-known fictitious
 * ones and domains use the reserved `.example` TLD, so no real business or inbox is implied.
 */

/** First names; some carry the nickname a billing clerk or support agent would type instead. */
export const FIRST_NAMES: readonly { name: string; nickname?: string }[] = [
  { name: 'Ada' },
  { name: 'Alan' },
  { name: 'Grace' },
  { name: 'Katherine', nickname: 'Kate' },
  { name: 'Margaret', nickname: 'Peggy' },
  { name: 'Robert', nickname: 'Bob' },
  { name: 'William', nickname: 'Bill' },
  { name: 'Elizabeth', nickname: 'Liz' },
  { name: 'Alexander', nickname: 'Alex' },
  { name: 'Jennifer', nickname: 'Jen' },
  { name: 'Michael', nickname: 'Mike' },
  { name: 'Christopher', nickname: 'Chris' },
  { name: 'Samantha', nickname: 'Sam' },
  { name: 'Daniel', nickname: 'Dan' },
  { name: 'Victoria', nickname: 'Vicky' },
  { name: 'Benjamin', nickname: 'Ben' },
  { name: 'Patricia', nickname: 'Pat' },
  { name: 'Thomas', nickname: 'Tom' },
  { name: 'Rebecca', nickname: 'Becky' },
  { name: 'Nicholas', nickname: 'Nick' },
  { name: 'Anthony', nickname: 'Tony' },
  { name: 'Olivia' },
  { name: 'Amara' },
  { name: 'Haruto' },
  { name: 'Priya' },
  { name: 'Mateo' },
  { name: 'Ingrid' },
  { name: 'José' },
  { name: 'Zoë' },
  { name: 'Søren' },
  { name: 'Chloé' },
  { name: 'Kwame' },
];

/** Last names; a few with diacritics or punctuation that older systems mangle. */
export const LAST_NAMES: readonly string[] = [
  'Lovelace', 'Hopper', 'Turing', 'Johnson', 'Hamilton', 'Liskov', 'Knuth', 'Ritchie',
  'Thompson', 'Berners-Lee', 'Goldberg', 'Wilkes', 'Allen', 'Clarke', 'Nakamura', 'Okafor',
  'Patel', 'García', 'Müller', 'Rossi', 'Nguyen', 'Kowalski', "O'Brien", 'Lindqvist',
  'Dubois', 'Silva', 'Cohen', 'Haddad', 'Fischer', 'Tanaka', 'Mensah', 'Sørensen',
];

/** A company: the CRM's name, the legal name support sometimes uses, and its email domain. */
export interface DemoCompany {
  /** Name as sales writes it. */
  name: string;
  /** Name as it appears on contracts, which the support desk copies. */
  legalName: string;
  /** Email and web domain. */
  domain: string;
}

/** Companies people work for. */
export const COMPANIES: readonly DemoCompany[] = [
  { name: 'Contoso', legalName: 'Contoso Ltd.', domain: 'contoso.example' },
  { name: 'Northwind Traders', legalName: 'Northwind Traders Inc.', domain: 'northwind.example' },
  { name: 'Fabrikam', legalName: 'FABRIKAM, Inc.', domain: 'fabrikam.example' },
  { name: 'Tailspin Toys', legalName: 'Tailspin Toys LLC', domain: 'tailspintoys.example' },
  { name: 'Adventure Works', legalName: 'Adventure Works Cycles', domain: 'adventure-works.example' },
  { name: 'Litware', legalName: 'Litware, Inc.', domain: 'litware.example' },
  { name: 'Woodgrove Bank', legalName: 'Woodgrove Bank plc', domain: 'woodgrovebank.example' },
  { name: 'Lucerne Publishing', legalName: 'Lucerne Publishing GmbH', domain: 'lucernepublishing.example' },
  { name: 'Coho Winery', legalName: 'Coho Vineyard & Winery', domain: 'cohowinery.example' },
  { name: 'Alpine Ski House', legalName: 'Alpine Ski House AG', domain: 'alpineskihouse.example' },
  { name: 'Proseware', legalName: 'Proseware, Inc.', domain: 'proseware.example' },
  { name: 'Wingtip Toys', legalName: 'Wingtip Toys Ltd', domain: 'wingtiptoys.example' },
];

/** Domains for people who sign up with a personal address. */
export const PERSONAL_EMAIL_DOMAINS: readonly string[] = ['example.com', 'example.org', 'example.net'];

/** Cities with their ISO 3166 country code (which also decides the billing currency). */
export const CITIES: readonly { city: string; country: string }[] = [
  { city: 'New York', country: 'US' },
  { city: 'Austin', country: 'US' },
  { city: 'Seattle', country: 'US' },
  { city: 'Chicago', country: 'US' },
  { city: 'Toronto', country: 'CA' },
  { city: 'London', country: 'GB' },
  { city: 'Manchester', country: 'GB' },
  { city: 'Berlin', country: 'DE' },
  { city: 'Munich', country: 'DE' },
  { city: 'Paris', country: 'FR' },
  { city: 'Lyon', country: 'FR' },
];

/** Street names for addresses. */
export const STREETS: readonly string[] = [
  'Maple Street', 'Oak Avenue', 'High Street', 'Market Street', 'Elm Road', 'Station Road', 'Park Lane', 'Church Street',
];

/** North American area codes; numbers use the fictional 555-01xx block. */
export const AREA_CODES: readonly string[] = ['212', '312', '415', '512', '206', '646', '617'];

/** CRM tags, in the order the CRM lists them. */
export const CRM_TAGS: readonly string[] = ['newsletter', 'webinar', 'beta', 'partner', 'vip', 'trial'];
