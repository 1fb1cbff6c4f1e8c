/**
 * Why a connection to a service failed, in the words a user acts on: refused (nothing listens),
 * timed out (a firewall, a wrong host, a service that accepts but never answers), TLS (TLS
 * against a plaintext port or a certificate problem), SASL (credentials or mechanism), DNS.
 * Pure: it reads the error's codes and messages, so it is unit-tested on captured shapes.
 */
export type ConnectCause = 'refused' | 'timed out' | 'TLS' | 'SASL' | 'DNS' | 'reset' | 'unknown';

export interface ClassifiedFailure {
  cause: ConnectCause;
  /** The innermost useful message (error code first when there is one). */
  detail: string;
}

function chain(error: unknown): Array<Error & { code?: unknown; errors?: unknown[] }> {
  const out: Array<Error & { code?: unknown; errors?: unknown[] }> = [];
  const visit = (e: unknown, depth: number) => {
    if (!(e instanceof Error) || depth > 5) return;
    out.push(e as Error & { code?: unknown });
    for (const inner of (e as { errors?: unknown[] }).errors ?? []) visit(inner, depth + 1);
    visit(e.cause, depth + 1);
  };
  visit(error, 0);
  return out;
}

export function classifyConnectFailure(error: unknown): ClassifiedFailure {
  const errors = chain(error);
  if (errors.length === 0) return { cause: 'unknown', detail: String(error) };
  const codes = errors.map((e) => (typeof e.code === 'string' ? e.code : '')).filter(Boolean);
  const text = errors.map((e) => `${e.name} ${e.message}`).join(' | ');
  const codeDetail = (code: string) => {
    const withCode = errors.find((e) => e.code === code);
    if (!withCode?.message) return code;
    return withCode.message.includes(code) ? withCode.message : `${code}: ${withCode.message}`;
  };
  const has = (...wanted: string[]) => wanted.find((c) => codes.includes(c));
  const sasl = /\bSASL\b|SaslAuthenticat|authentication failed|ILLEGAL_SASL_STATE|UNSUPPORTED_SASL_MECHANISM/i;
  if (sasl.test(text)) return { cause: 'SASL', detail: errors.map((e) => e.message).find((m) => sasl.test(m)) ?? errors[0]!.message };
  const tlsCode = codes.find((c) => /^ERR_SSL_|^ERR_TLS_|CERT|^EPROTO$|^DEPTH_ZERO_SELF_SIGNED_CERT$|^UNABLE_TO_VERIFY_LEAF_SIGNATURE$/.test(c));
  if (tlsCode) return { cause: 'TLS', detail: codeDetail(tlsCode) };
  if (/TLS handshake|wrong version number|certificate|ssl3_get_record|\bSSL\b/i.test(text)) return { cause: 'TLS', detail: errors[0]!.message };
  const refused = has('ECONNREFUSED');
  if (refused) return { cause: 'refused', detail: codeDetail(refused) };
  const dns = has('ENOTFOUND', 'EAI_AGAIN');
  if (dns) return { cause: 'DNS', detail: codeDetail(dns) };
  const timeout = has('ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'ABORT_ERR', 'ERR_TIMEOUT');
  if (timeout || errors.some((e) => e.name === 'TimeoutError' || /timed? ?out|timeout/i.test(e.message))) {
    return { cause: 'timed out', detail: timeout ? codeDetail(timeout) : (errors.find((e) => /time/i.test(e.message))?.message ?? errors[0]!.message) };
  }
  const reset = has('ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET');
  if (reset) return { cause: 'reset', detail: codeDetail(reset) };
  const unreachable = has('EHOSTUNREACH', 'ENETUNREACH');
  if (unreachable) return { cause: 'timed out', detail: codeDetail(unreachable) };
  return { cause: 'unknown', detail: errors[errors.length - 1]!.message || errors[0]!.message };
}

/** What to do about each cause, for the error's hint. `service` names the thing: "Kafka". */
export function hintForCause(cause: ConnectCause, service: string, address: string, stackHint: string): string {
  switch (cause) {
    case 'refused':
      return `nothing listens on ${address}: is ${service} running? ${stackHint}`;
    case 'timed out':
      return `${address} did not answer in time: check the host and port, a firewall or VPN, or whether ${service} is overloaded. ${stackHint}`;
    case 'TLS':
      return `the TLS handshake with ${address} failed: is that port TLS (or plaintext)? Check the TLS setting and the certificate`;
    case 'SASL':
      return `${service} rejected the SASL login: check the mechanism and STREAMPROOF_KAFKA_SASL_USERNAME / _PASSWORD, and whether the listener uses SASL at all`;
    case 'DNS':
      return `the host of ${address} does not resolve: check its spelling and DNS`;
    case 'reset':
      return `${address} closed the connection: is it the right port for ${service} (e.g. TLS vs plaintext)? ${stackHint}`;
    default:
      return stackHint;
  }
}
