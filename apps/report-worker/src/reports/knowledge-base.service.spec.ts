import { KnowledgeBaseEntry, KnowledgeBaseRepository } from '@app/mongo';
import { KB_CACHE_MS, KnowledgeBaseService } from './knowledge-base.service';

const entry = (id: string, category: string) =>
  ({ id, category, title: id, content: '', source_url: '', status: 'active' }) as KnowledgeBaseEntry;
const ALL = [
  entry('kb-bp-001', 'blood_pressure'),
  entry('kb-chol-002', 'cholesterol'),
  entry('kb-chol-001', 'cholesterol'),
];

function fakeRepository() {
  const queries: string[][] = [];
  let failNext = false;
  const repository = {
    async findActiveByCategories(categories: string[]) {
      queries.push(categories);
      if (failNext) {
        failNext = false;
        throw new Error('down');
      }
      return ALL.filter((e) => categories.includes(e.category));
    },
  } as unknown as KnowledgeBaseRepository;
  return { repository, queries, failOnce: () => (failNext = true) };
}

describe('KnowledgeBaseService', () => {
  it('loads only missing categories, in one query, and serves the rest from memory until they expire', async () => {
    const { repository, queries } = fakeRepository();
    const service = new KnowledgeBaseService(repository);
    let now = 0;
    service.now = () => now;
    expect((await service.forCategories(['cholesterol'])).map((e) => e.id)).toEqual(['kb-chol-001', 'kb-chol-002']);
    expect((await service.forCategories(['blood_pressure', 'cholesterol'])).map((e) => e.id)).toEqual([
      'kb-bp-001',
      'kb-chol-001',
      'kb-chol-002',
    ]);
    expect(queries).toEqual([['cholesterol'], ['blood_pressure']]);
    await Promise.all([service.forCategories(['cholesterol']), service.forCategories(['blood_pressure'])]);
    expect(queries).toHaveLength(2);
    now = KB_CACHE_MS;
    await service.forCategories(['blood_pressure', 'cholesterol']);
    expect(queries[2]).toEqual(['blood_pressure', 'cholesterol']);
  });

  it('does not cache a failed load', async () => {
    const { repository, queries, failOnce } = fakeRepository();
    const service = new KnowledgeBaseService(repository);
    failOnce();
    await expect(service.forCategories(['cholesterol'])).rejects.toThrow('down');
    expect(await service.forCategories(['cholesterol'])).toHaveLength(2);
    expect(queries).toHaveLength(2);
  });
});
