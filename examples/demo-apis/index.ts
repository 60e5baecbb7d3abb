export type { BillingCustomersPage, BillingTokenResponse } from './billing-api.js';
export type { CrmContactsPage } from './crm-api.js';
export type { DemoApiName, DemoApiStats } from './demo-api-context.js';
export * from './demo-credentials.js';
export * from './demo-data.js';
export * from './demo-records.js';
export * from './start-demo-apis.js';
export { SUPPORT_TYPE_DEFS } from './support-graphql-schema.js';
