/**
 * One line naming a send failure down to its root: the Kafka client wraps broker errors in
 * AggregateErrors ("Producing messages failed.") whose useful part (e.g. OUT_OF_ORDER_SEQUENCE_NUMBER)
 * sits in `errors` or `cause`. Distinct inner messages are kept once each, in order found.
 */
const MAX_LENGTH = 300;
const MAX_DEPTH = 4;

export function describeError(error: unknown): string {
  const parts: string[] = [];
  const visit = (value: unknown, depth: number): void => {
    if (depth > MAX_DEPTH || parts.length >= 6) return;
    if (!(value instanceof Error)) {
      if (value !== undefined) parts.push(String(value));
      return;
    }
    const code = (value as { code?: unknown }).code;
    const text = typeof code === 'string' && !value.message.includes(code) ? `${value.message} [${code}]` : value.message;
    if (!parts.includes(text)) parts.push(text);
    if (value instanceof AggregateError) for (const inner of value.errors) visit(inner, depth + 1);
    if (value.cause !== undefined) visit(value.cause, depth + 1);
  };
  visit(error, 0);
  return parts.join(' ← ').slice(0, MAX_LENGTH);
}
