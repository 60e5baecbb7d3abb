import { parseConfig } from '../../config/load-config.js';
import type { TributaryConfig } from '../../config/tributary-config.js';

/** The access benchmark's entity: a customer with an indexed plan. */
export function accessBenchConfig(): TributaryConfig {
  return parseConfig(
    {
      version: 1,
      sources: { crm: { type: 'rest', baseUrl: 'http://127.0.0.1:1', streams: { contacts: { path: '/contacts', primaryKey: 'id' } } } },
      entities: {
        customer: {
          matchOn: ['email'],
          fields: { email: { type: 'string' }, name: { type: 'string' }, plan: { type: 'string', index: true }, score: { type: 'integer' }, updated_at: { type: 'timestamp' } },
          sources: { 'crm.contacts': { fields: { email: '$.email', name: '$.name', plan: '$.plan', score: '$.score', updated_at: '$.updated_at' } } },
        },
      },
      pipelines: {},
    },
    'access-bench',
    {},
  );
}
