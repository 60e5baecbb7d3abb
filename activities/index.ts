export { createActivities, type Activities, type ActivityDeps } from './create-activities.js';
export type * from './activity-types.js';
