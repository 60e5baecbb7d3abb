import { readFileSync } from 'node:fs';
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

/**
 * Whether `start` should run the demo APIs for a config: the bundled demo, or a config (a copy of
 * it) that reads the demo APIs' URLs (`${DEMO_CRM_URL...}`) while they are not set.
 */
export function configUsesDemoApis(configPath: string, env: NodeJS.ProcessEnv): boolean {
  let text: string;
  try {
    text = readFileSync(configPath, 'utf8');
  } catch {
    return false;
  }
  const names = [...text.matchAll(/\$\{(DEMO_(?:CRM|BILLING|SUPPORT)_URL)\b/g)].map((m) => m[1]!);
  return names.length > 0 && names.every((n) => env[n] === undefined);
}
