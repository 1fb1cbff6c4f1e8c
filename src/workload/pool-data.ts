import { Faker, base, en } from '@faker-js/faker';
import { COUNTRY_POOL_SIZE, PAGE_POOL_SIZE, poolsFrom, type PoolData, type Pools } from './generator-pools.js';
import { deriveSeed32, type Seed } from './random.js';

/**
 * The faker side of the generator's pools (generator-pools.ts): pages and countries drawn once
 * per seed. Apart from the rest so a load worker thread never loads faker (seconds of module
 * parsing on a busy machine): the sending thread builds the data and hands it over.
 */
function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

export function buildPoolData(seed: Seed): PoolData {
  const faker = new Faker({ locale: [en, base] });
  faker.seed(deriveSeed32(seed, 'faker-pools'));

  const pages: string[] = [];
  for (let i = 0; i < PAGE_POOL_SIZE; i += 1) {
    const department = slug(faker.commerce.department()) || 'shop';
    const product = slug(faker.commerce.productName()) || `item-${i}`;
    pages.push(`/${department}/${product}`);
  }
  // Countries drawn with repetition: a few codes appear several times, a mild natural skew.
  const countries: string[] = [];
  for (let i = 0; i < COUNTRY_POOL_SIZE; i += 1) {
    const code = faker.location.countryCode('alpha-2').toUpperCase();
    countries.push(/^[A-Z]{2}$/.test(code) ? code : 'US');
  }
  return { pages, countries };
}

export function createPools(seed: Seed): Pools {
  return poolsFrom(buildPoolData(seed), seed);
}
