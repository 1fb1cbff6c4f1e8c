import { afterAll, beforeAll } from 'vitest';
import { buildAwsClients, type AwsClients } from '../../../src/aws/clients.js';
import { provisionDelivery, type DeliveryTarget } from '../../../src/aws/provision.js';
import { deleteDelivery } from '../../../src/aws/teardown.js';
import type { AwsEndpoints } from '../../../src/base/endpoints.js';
import { loadStackEndpoints } from '../../../src/stack/state.js';
import { freshTarget } from './support.js';

/**
 * A fresh bucket + delivery stream on the running stack's Firehose/S3 endpoint for one test
 * file: provisioned before its tests, deleted (with the clients released) after them.
 */
export interface ProvisionedTarget {
  readonly target: DeliveryTarget;
  readonly aws: AwsEndpoints;
  readonly clients: AwsClients;
}

export function useProvisionedTarget(name: string): ProvisionedTarget {
  const target = freshTarget(name);
  let aws: AwsEndpoints | undefined;
  let clients: AwsClients | undefined;
  beforeAll(async () => {
    aws = (await loadStackEndpoints()).aws;
    clients = buildAwsClients(aws);
    await provisionDelivery(aws, target, { clients });
  });
  afterAll(async () => {
    if (aws && clients) await deleteDelivery(aws, target, { clients });
    clients?.destroy();
  });
  return {
    target,
    get aws() {
      if (!aws) throw new Error('the delivery target is provisioned in beforeAll');
      return aws;
    },
    get clients() {
      if (!clients) throw new Error('the delivery target is provisioned in beforeAll');
      return clients;
    },
  };
}
