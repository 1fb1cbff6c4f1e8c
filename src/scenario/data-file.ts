import { parseDocument } from 'yaml';
import { ERROR_CODES, StreamproofError } from '../base/errors.js';
import { codeFrame } from './code-frame.js';

/**
 * YAML and JSON scenario files: plain data, validated by the same schema as a TypeScript
 * scenario (docs/scenarios.md, "YAML and JSON files"). JSON is read with the YAML 1.2 parser
 * too (JSON is a subset of it), so both report a syntax error the same way: file, line,
 * column and a code frame, once.
 */

export const DATA_EXTENSIONS = ['.yaml', '.yml', '.json'];

/** Parses the text of a YAML or JSON scenario; throws INVALID_SCENARIO with a code frame. */
export function parseScenarioData(text: string, file: string): unknown {
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  const error = document.errors[0];
  if (error !== undefined) {
    const at = error.linePos?.[0];
    const where = at ? `${file}:${at.line}:${at.col}` : file;
    const reason = error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    throw new StreamproofError(ERROR_CODES.INVALID_SCENARIO, `syntax error in ${where}: ${reason}${at ? `\n${codeFrame(text, at.line, at.col)}` : ''}`, {
      hint: file.endsWith('.json') ? 'the file must hold one JSON object (the scenario)' : 'the file must hold one YAML mapping (the scenario); indent with spaces, not tabs',
    });
  }
  if (document.warnings.length > 0 && document.contents === null) return undefined;
  return document.toJS({ maxAliasCount: 100 }) as unknown;
}
