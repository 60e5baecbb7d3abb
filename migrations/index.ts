import * as m0001 from './0001_initial.js';

/** Every migration, by name; names sort in the order they run. */
export const migrations = {
  '0001_initial': m0001,
};
