import { fileURLToPath } from 'node:url';
import { type DemoApis, demoCredentialEnv, startDemoApis } from '../examples/demo-apis/index.js';

/** The bundled demo pipeline config. */
export const DEMO_CONFIG_PATH = fileURLToPath(new URL('../examples/demo/pipeline.yaml', import.meta.url));

/**
 * Starts the demo upstream APIs and puts their URLs and demo credentials into `env` (values
 * already set there win), so the demo config resolves against them.
 */
export async function startDemo(env: NodeJS.ProcessEnv, ports: { crm: number; billing: number; support: number }): Promise<DemoApis> {
  const demo = await startDemoApis({ ports });
  for (const [name, value] of Object.entries(demoCredentialEnv(demo.credentials))) env[name] ??= value;
  env.DEMO_CRM_URL = demo.crm.url;
  env.DEMO_BILLING_URL = demo.billing.url;
  env.DEMO_SUPPORT_URL = demo.support.url;
  return demo;
}
