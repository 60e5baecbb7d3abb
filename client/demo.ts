import { join } from 'node:path';
import { type DemoApis, demoCredentialEnv, startDemoApis } from '../examples/demo-apis/index.js';
import { projectRoot } from '../infra/project-root.js';

/** The bundled demo pipeline config (from the project root, so the compiled CLI in dist/ finds it too). */
export const DEMO_CONFIG_PATH = join(projectRoot(), 'examples', 'demo', 'pipeline.yaml');

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
