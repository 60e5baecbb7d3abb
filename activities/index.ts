export { createActivities, type Activities } from './create-activities.js';
export type { ActivityDeps } from './activity-deps.js';
export type * from './activity-types.js';
