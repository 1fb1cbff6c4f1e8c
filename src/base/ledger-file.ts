import { ERROR_CODES, StreamproofError } from './errors.js';
import { SequenceLedger } from './sequence-ledger.js';

/**
 * The ingest ledger as a file (`ledger.json` next to a run's result.json), so that a kept run can
 * be verified again later (`npm run verify`): which identities were sent, acknowledged, failed,
 * refused or generated malformed, per generator as sorted ranges of sequence numbers
 * (`[[first, last], ...]`, inclusive). A run acknowledges nearly every seq in order, so a
 * generator's ledger is a handful of ranges however many events it sent. It also names the run's
 * topics and bucket, so the verifier knows where to look.
 */

export const LEDGER_FILE_NAME = 'ledger.json';
export const LEDGER_FILE_FORMAT = 'streamproof-ingest-ledger';
export const LEDGER_FILE_VERSION = 1;
export const LEDGER_OUTCOMES = ['sent', 'acked', 'failed', 'refused', 'malformed'] as const;
export type LedgerOutcome = (typeof LEDGER_OUTCOMES)[number];

export type SequenceRanges = [number, number][];

export interface LedgerFile {
  format: typeof LEDGER_FILE_FORMAT;
  version: typeof LEDGER_FILE_VERSION;
  runId: string;
  /** Where the run's data is (topic names, bucket and prefix). */
  data: { raw: string; processed: string; late: string; dlq: string; bucket: string; prefix: string };
  /** outcome → generatorId → ranges. */
  ledgers: Record<LedgerOutcome, Record<string, SequenceRanges>>;
}

export function ledgerToRanges(ledger: SequenceLedger): Record<string, SequenceRanges> {
  const out: Record<string, SequenceRanges> = {};
  for (const generatorId of ledger.generators().sort()) {
    const bitmap = ledger.bitmapFor(generatorId);
    if (!bitmap) continue;
    const ranges: SequenceRanges = [];
    const end = bitmap.upperBound;
    let start = -1;
    for (let seq = 0; seq <= end; seq += 1) {
      const set = seq < end && bitmap.has(seq);
      if (set && start < 0) start = seq;
      else if (!set && start >= 0) {
        ranges.push([start, seq - 1]);
        start = -1;
      }
    }
    if (ranges.length > 0) out[generatorId] = ranges;
  }
  return out;
}

function bad(source: string, what: string): StreamproofError {
  return new StreamproofError(ERROR_CODES.INVALID_ARGUMENT, `${source}: ${what}`, {
    hint: `a ledger file is written by \`npm run scenario\` next to result.json (format ${LEDGER_FILE_FORMAT} v${LEDGER_FILE_VERSION}); remove it to verify without the ledger`,
  });
}

export function rangesToLedger(ranges: unknown, source: string): SequenceLedger {
  const ledger = new SequenceLedger();
  if (typeof ranges !== 'object' || ranges === null) throw bad(source, 'a ledger is not an object of generator ranges');
  for (const [generatorId, list] of Object.entries(ranges)) {
    if (!Array.isArray(list)) throw bad(source, `ranges of ${generatorId} are not a list`);
    for (const range of list as unknown[]) {
      const [first, last] = Array.isArray(range) ? (range as unknown[]) : [];
      if (!Number.isSafeInteger(first) || !Number.isSafeInteger(last) || (first as number) < 0 || (last as number) < (first as number)) throw bad(source, `bad range ${JSON.stringify(range)} of ${generatorId}`);
      for (let seq = first as number; seq <= (last as number); seq += 1) ledger.add(generatorId, seq);
    }
  }
  return ledger;
}

export function encodeLedgerFile(runId: string, data: LedgerFile['data'], ledgers: Record<LedgerOutcome, SequenceLedger>): string {
  const file: LedgerFile = {
    format: LEDGER_FILE_FORMAT,
    version: LEDGER_FILE_VERSION,
    runId,
    data,
    ledgers: Object.fromEntries(LEDGER_OUTCOMES.map((outcome) => [outcome, ledgerToRanges(ledgers[outcome])])) as LedgerFile['ledgers'],
  };
  return `${JSON.stringify(file)}\n`;
}

export function decodeLedgerFile(text: string, source: string): { runId: string; data: LedgerFile['data']; ledgers: Record<LedgerOutcome, SequenceLedger> } {
  let value: Partial<LedgerFile>;
  try {
    value = JSON.parse(text) as Partial<LedgerFile>;
  } catch (error) {
    throw bad(source, `not JSON (${(error as Error).message})`);
  }
  if (value.format !== LEDGER_FILE_FORMAT) throw bad(source, `not a ledger file (format ${JSON.stringify(value.format)})`);
  if (value.version !== LEDGER_FILE_VERSION) throw bad(source, `ledger file version ${JSON.stringify(value.version)}, this streamproof reads version ${LEDGER_FILE_VERSION}`);
  const data = value.data;
  if (!data || typeof data !== 'object' || !['raw', 'processed', 'late', 'dlq', 'bucket', 'prefix'].every((k) => typeof (data as Record<string, unknown>)[k] === 'string')) throw bad(source, 'data must name raw, processed, late, dlq, bucket and prefix');
  const ledgers = Object.fromEntries(LEDGER_OUTCOMES.map((outcome) => [outcome, rangesToLedger(value.ledgers?.[outcome] ?? {}, `${source} ${outcome}`)])) as Record<LedgerOutcome, SequenceLedger>;
  return { runId: String(value.runId ?? ''), data, ledgers };
}
