import { readFileSync } from 'node:fs';
import { parseResult } from './src/report/result-schema.js';
import { renderTerminalSummary } from './src/report/terminal-summary.js';
const r = parseResult(JSON.parse(readFileSync('/tmp/sp-yaml-run-qj0Nqf/quick/2026-12-01T12-30-33Z/result.json','utf8')));
process.stdout.write(renderTerminalSummary(r, { dir: 'D', summaryMd: 'S', reportHtml: 'H' }));
