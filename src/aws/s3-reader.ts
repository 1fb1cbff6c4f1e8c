import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { isGzip, splitNdjson } from '../contract/ndjson.js';
import { awsRequestError } from './error-info.js';
import { DELIVERY_CONFIG } from './provision.js';

const gunzipAsync = promisify(gunzip);

/**
 * Reads what Firehose delivered under raw-data/: lists objects (paginated), reads each body
 * (gunzip when it starts with the gzip magic), splits NDJSON records.
 *
 * Incremental use for live L4: poll() yields only objects not yielded before; each object's
 * firstSeenAtMs is stamped by the injected clock at the listing that first showed it (before its
 * body is read), so a slow read does not inflate delivery latency. Bodies are read one at a time.
 */

export interface DeliveredObjectInfo {
  key: string;
  sizeBytes: number;
  /** S3 LastModified, epoch ms (1 s resolution on S3); null when the listing had none. */
  lastModifiedMs: number | null;
  /** Epoch ms of the first listing by this reader that showed the object. */
  firstSeenAtMs: number;
}

export interface DeliveredObject extends DeliveredObjectInfo {
  compressed: boolean;
  /** Uncompressed bytes. */
  rawBytes: number;
  /** NDJSON records without their '\n' (views into one buffer per object). */
  records: Uint8Array[];
  recordCount: number;
  /** False when the object did not end with '\n'. */
  terminated: boolean;
}

export interface S3DeliveryReaderOptions {
  bucket: string;
  prefix?: string;
  /** Epoch ms clock, injected. */
  nowMs: () => number;
  /** Where the client points, for error messages. */
  target: string;
}

export class S3DeliveryReader {
  private readonly firstSeen = new Map<string, number>();
  private readonly yielded = new Set<string>();
  private readonly prefix: string;

  constructor(
    private readonly s3: S3Client,
    private readonly options: S3DeliveryReaderOptions,
  ) {
    this.prefix = options.prefix ?? DELIVERY_CONFIG.prefix;
  }

  /** Lists every object under the prefix, stamping first sightings. */
  async list(): Promise<DeliveredObjectInfo[]> {
    const objects: DeliveredObjectInfo[] = [];
    let token: string | undefined;
    do {
      let page;
      try {
        page = await this.s3.send(
          new ListObjectsV2Command({ Bucket: this.options.bucket, Prefix: this.prefix, ContinuationToken: token }),
        );
      } catch (error) {
        throw awsRequestError(error, `list s3://${this.options.bucket}/${this.prefix}`, this.options.target);
      }
      const seenAtMs = this.options.nowMs();
      for (const entry of page.Contents ?? []) {
        if (!entry.Key) continue;
        if (!this.firstSeen.has(entry.Key)) this.firstSeen.set(entry.Key, seenAtMs);
        objects.push({
          key: entry.Key,
          sizeBytes: entry.Size ?? 0,
          lastModifiedMs: entry.LastModified ? entry.LastModified.getTime() : null,
          firstSeenAtMs: this.firstSeen.get(entry.Key) as number,
        });
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return objects;
  }

  async read(info: DeliveredObjectInfo): Promise<DeliveredObject> {
    let stored: Uint8Array;
    try {
      const answer = await this.s3.send(new GetObjectCommand({ Bucket: this.options.bucket, Key: info.key }));
      if (!answer.Body) throw new Error('GetObject returned no body');
      stored = await answer.Body.transformToByteArray();
    } catch (error) {
      throw awsRequestError(error, `read s3://${this.options.bucket}/${info.key}`, this.options.target);
    }
    const compressed = isGzip(stored);
    const raw = compressed ? new Uint8Array(await gunzipAsync(stored)) : stored;
    const { records, terminated } = splitNdjson(raw);
    return { ...info, compressed, rawBytes: raw.length, records, recordCount: records.length, terminated };
  }

  /** Objects not yielded before, read one at a time (an object is marked only once yielded). */
  async *poll(): AsyncGenerator<DeliveredObject> {
    for (const info of await this.list()) {
      if (this.yielded.has(info.key)) continue;
      const object = await this.read(info);
      this.yielded.add(info.key);
      yield object;
    }
  }

  /** Every object under the prefix, seen before or not, read one at a time. */
  async *readAll(): AsyncGenerator<DeliveredObject> {
    for (const info of await this.list()) {
      const object = await this.read(info);
      this.yielded.add(info.key);
      yield object;
    }
  }
}
