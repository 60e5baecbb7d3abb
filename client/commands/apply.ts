import { connectTemporal, printTable } from '../connection.js';
import { applySchedules } from '../schedules.js';
import { UsageError, commonOptions, loadCommandConfig, parseCommandArgs } from './common-options.js';

/**
 * `tributary apply [--config PATH] [--prune --yes] [--no-search-attributes] [--json]`: makes the
 * Temporal Schedules match the config. Unchanged schedules are left alone; schedules of
 * pipelines no longer in config are listed, and deleted only with `--prune --yes`.
 */
export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(argv, {
    ...commonOptions,
    prune: { type: 'boolean', default: false },
    yes: { type: 'boolean', default: false },
    'no-search-attributes': { type: 'boolean', default: false },
  });
  if (values.help) {
    console.log('Usage: tributary apply [--config PATH] [--prune --yes] [--no-search-attributes] [--json]\nCreates or updates one Temporal Schedule per pipeline (tributary-<pipeline>); unchanged ones are left alone.\nSchedules of pipelines no longer in the config are listed; --prune --yes deletes them.');
    return 0;
  }
  if (values.yes && !values.prune) throw new UsageError('--yes confirms --prune; give both to delete schedules of removed pipelines');
  const config = await loadCommandConfig(values);
  const temporal = await connectTemporal();
  try {
    const applied = await applySchedules(temporal.client, config, {
      taskQueue: temporal.taskQueue,
      searchAttributes: !values['no-search-attributes'],
      prune: values.prune && values.yes,
    });
    if (values.json) console.log(JSON.stringify({ namespace: temporal.namespace, schedules: applied }));
    else {
      printTable(applied, ['scheduleId', 'pipeline', 'action']);
      const orphaned = applied.filter((a) => a.action === 'orphaned');
      if (orphaned.length > 0) {
        console.log(`\n${orphaned.length} schedule(s) belong to pipelines no longer in the config; delete them with: tributary apply --prune --yes`);
      }
    }
    return 0;
  } finally {
    await temporal.close();
  }
}
