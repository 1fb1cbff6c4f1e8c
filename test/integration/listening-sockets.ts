import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/**
 * The TCP addresses a process listens on, read from /proc (Linux): its socket inodes from
 * /proc/<pid>/fd, matched against the LISTEN rows of /proc/<pid>/net/tcp and tcp6. For tests
 * that hold a process the harness starts to "services bind 127.0.0.1 only".
 */
export interface ListeningSocket {
  address: string;
  port: number;
}

const LISTEN = '0A';

/** /proc/net's hex address: IPv4 one little-endian word; IPv6 four of them. */
function decodeAddress(hex: string): string {
  const words = hex.match(/.{8}/g) ?? [];
  const bytes = words.flatMap((w) => [w.slice(6, 8), w.slice(4, 6), w.slice(2, 4), w.slice(0, 2)].map((b) => Number.parseInt(b, 16)));
  if (bytes.length === 4) return bytes.join('.');
  const isMappedV4 = bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  if (isMappedV4) return `::ffff:${bytes.slice(12).join('.')}`;
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0)).toString(16));
  return groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::');
}

export function listeningSockets(pid: number): ListeningSocket[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m?.[1]) inodes.add(m[1]);
    } catch {
      // the descriptor closed while we read the directory
    }
  }
  const found: ListeningSocket[] = [];
  for (const table of ['tcp', 'tcp6']) {
    const rows = readFileSync(`/proc/${pid}/net/${table}`, 'utf8').trim().split('\n').slice(1);
    for (const row of rows) {
      const cols = row.trim().split(/\s+/);
      const [local, state, inode] = [cols[1], cols[3], cols[9]];
      if (state !== LISTEN || !local || !inode || !inodes.has(inode)) continue;
      const [addr, port] = local.split(':');
      found.push({ address: decodeAddress(addr ?? ''), port: Number.parseInt(port ?? '0', 16) });
    }
  }
  return found;
}

export function isLoopback(address: string): boolean {
  return address.startsWith('127.') || address === '::1' || address.startsWith('::ffff:127.');
}

/** The sockets of `pid` that listen beyond loopback, as `address:port`. */
export function nonLoopbackListeners(pid: number): string[] {
  return listeningSockets(pid)
    .filter((s) => !isLoopback(s.address))
    .map((s) => `${s.address}:${s.port}`);
}
