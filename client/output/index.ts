export { formatTable, formatCell, type TableColumn } from './format-table.js';
export { createProgressRenderer, formatProgressLine, type ProgressItem, type ProgressRenderer, type ProgressStream } from './progress-bar.js';
export { printJson, toJson } from './json-output.js';
export { ExitCode, type ExitCodeValue } from './exit-codes.js';
export { reportError } from './report-error.js';
