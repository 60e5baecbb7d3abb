import * as m0001 from './0001_initial.js';
import * as m0002 from './0002_connectors.js';
import * as m0003 from './0003_merge.js';
import * as m0004 from './0004_run_window.js';
import * as m0005 from './0005_alert_state.js';
import * as m0006 from './0006_staged_record_copy.js';
import * as m0007 from './0007_source_record_raw_hash.js';
import * as m0008 from './0008_identity_link_entity_key.js';
import * as m0009 from './0009_staged_payload_text.js';
import * as m0010 from './0010_staged_stream_id.js';
import * as m0011 from './0011_fetch_completeness.js';
import * as m0012 from './0012_source_budget.js';
import * as m0013 from './0013_identity_link_key_first.js';
import * as m0014 from './0014_parent_state.js';
import * as m0015 from './0015_merge_steps.js';
import * as m0016 from './0016_latest_record.js';
import * as m0017 from './0017_entity_last_seen.js';

/** Every migration, by name; names sort in the order they run. */
export const migrations = {
  '0001_initial': m0001,
  '0002_connectors': m0002,
  '0003_merge': m0003,
  '0004_run_window': m0004,
  '0005_alert_state': m0005,
  '0006_staged_record_copy': m0006,
  '0007_source_record_raw_hash': m0007,
  '0008_identity_link_entity_key': m0008,
  '0009_staged_payload_text': m0009,
  '0010_staged_stream_id': m0010,
  '0011_fetch_completeness': m0011,
  '0012_source_budget': m0012,
  '0013_identity_link_key_first': m0013,
  '0014_parent_state': m0014,
  '0015_merge_steps': m0015,
  '0016_latest_record': m0016,
  '0017_entity_last_seen': m0017,
};
