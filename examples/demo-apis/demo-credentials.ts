/** The secrets the three demo APIs accept. */
export interface DemoCredentials {
  /** CRM: value of the `X-API-Key` header. */
  crmApiKey: string;
  /** Billing: OAuth2 client id for the client-credentials grant. */
  billingClientId: string;
  /** Billing: OAuth2 client secret. */
  billingClientSecret: string;
  /** Support desk: static `Authorization: Bearer` token. */
  supportToken: string;
}

/**
 * Fixed demo-only secrets. They guard nothing but the bundled fake APIs; they are fixed so the
 * sample pipeline config and `npm start` work without any setup.
 */
export const DEFAULT_DEMO_CREDENTIALS: Readonly<DemoCredentials> = Object.freeze({
  crmApiKey: 'demo-crm-key-7f3a9c2e',
  billingClientId: 'demo-billing-client',
  billingClientSecret: 'demo-billing-secret-4b8d1f6a',
  supportToken: 'demo-support-token-e5c2a97b',
});

/**
 * The environment variables the demo pipeline config reads its secrets from (as
 * `env:DEMO_CRM_API_KEY` and so on), mapped to the given credentials' values.
 */
export function demoCredentialEnv(credentials: DemoCredentials = DEFAULT_DEMO_CREDENTIALS): Record<string, string> {
  return {
    DEMO_CRM_API_KEY: credentials.crmApiKey,
    DEMO_BILLING_CLIENT_ID: credentials.billingClientId,
    DEMO_BILLING_CLIENT_SECRET: credentials.billingClientSecret,
    DEMO_SUPPORT_TOKEN: credentials.supportToken,
  };
}
