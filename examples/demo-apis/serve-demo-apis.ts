/**
 * Runs the demo APIs on their fixed ports until interrupted, for poking at them with curl:
 * `npx tsx examples/demo-apis/serve-demo-apis.ts`. (`npm start` starts them on its own.)
 */
import { demoCredentialEnv } from './demo-credentials.js';
import { DEMO_API_PORTS, startDemoApis } from './start-demo-apis.js';

const apis = await startDemoApis({ ports: DEMO_API_PORTS, log: (line) => console.log(line) });
const env = demoCredentialEnv(apis.credentials);
console.log(`CRM      ${apis.crm.url}/v1/contacts      (X-API-Key: ${env.DEMO_CRM_API_KEY})`);
console.log(`Billing  ${apis.billing.url}/api/customers   (token: POST ${apis.billing.tokenUrl})`);
console.log(`Support  ${apis.support.url}            (Authorization: Bearer ${env.DEMO_SUPPORT_TOKEN})`);
console.log('Environment for the demo pipeline config:');
for (const [name, value] of Object.entries(env)) console.log(`  export ${name}=${value}`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void apis.stop().then(() => process.exit(0));
  });
}
