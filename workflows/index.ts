export { rerunMerge, type RerunMergeInput } from './rerun-merge.js';
export { syncPipeline, type SyncPipelineInput } from './sync-pipeline.js';
export { syncStream, type SyncStreamInput } from './sync-stream.js';
