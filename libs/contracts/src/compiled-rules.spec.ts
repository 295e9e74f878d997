import { plainToInstance, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  MaxLength,
  MinLength,
  registerDecorator,
  ValidateIf,
  ValidateNested,
  validateSync,
  ValidatorOptions,
} from 'class-validator';
import { passesCompiledRules } from './compiled-rules';
import { EventMessage } from './event-message';

class Line {
  @IsString()
  @MinLength(1)
  @MaxLength(8)
  code!: string;

  @IsOptional()
  @IsInt()
  quantity?: number;

  @IsIn(['kg', 'g'])
  unit!: string;

  @ValidateIf((line: Line) => line.unit === 'kg')
  @IsString()
  note?: string;
}

class Order {
  @IsArray()
  @ArrayMaxSize(3)
  @ValidateNested({ each: true })
  @Type(() => Line)
  lines!: Line[];

  @IsOptional()
  @IsString()
  reference?: string;
}

function IsEventuallyTrue(): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isEventuallyTrue',
      target: target.constructor,
      propertyName: propertyName as string,
      async: true,
      validator: { validate: async () => true },
    });
}

class AsyncRule {
  @IsEventuallyTrue()
  value!: string;
}

class EachRule {
  @IsString({ each: true })
  tags!: string[];
}

class NoRules {
  value?: string;
}

/** A seeded generator: the same bodies on every run, so a disagreement is reproducible. */
function seeded(seed: number): () => number {
  return () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };
}

const pick = <T>(random: () => number, values: readonly T[]): T => values[Math.floor(random() * values.length)];
const MISSING = Symbol('missing');

/** Each field: valid values, invalid ones, and absence. */
const LINE_VALUES = {
  code: ['a', 'abcdefgh', '', 'abcdefghi', 7, null, ['a'], MISSING],
  quantity: [1, 0, -3, 1.5, '1', null, MISSING],
  unit: ['kg', 'g', 'lb', '', MISSING],
  note: ['fragile', 3, null, MISSING],
} as const;

function line(random: () => number): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [field, values] of Object.entries(LINE_VALUES)) {
    const value = pick(random, values as readonly unknown[]);
    if (value !== MISSING) body[field] = value;
  }
  if (random() < 0.1) body.extra = 'x';
  return body;
}

function order(random: () => number): unknown {
  const shape = random();
  if (shape < 0.05) return { lines: 'not-a-list' };
  if (shape < 0.1) return { lines: [line(random), 'not-an-object'] };
  const body: Record<string, unknown> = {
    lines: Array.from({ length: Math.floor(random() * 5) }, () => line(random)),
  };
  if (random() < 0.3) body.reference = pick(random, ['r-1', 4, null]);
  if (random() < 0.05) body.unknown = true;
  return body;
}

const OPTION_SETS: ValidatorOptions[] = [
  { whitelist: true, forbidNonWhitelisted: true },
  { whitelist: true },
  {},
  { forbidUnknownValues: false },
];

describe('compiled rules', () => {
  it.each(OPTION_SETS)('agree with class-validator on 3,000 generated orders (options %j)', (options) => {
    const random = seeded(42);
    let passed = 0;
    for (let i = 0; i < 3000; i++) {
      const instance = plainToInstance(Order, order(random));
      const validByClassValidator = validateSync(instance, options).length === 0;
      expect({ body: instance, compiled: passesCompiledRules(instance, options) }).toEqual({
        body: instance,
        compiled: validByClassValidator,
      });
      if (validByClassValidator) passed++;
    }
    // Both outcomes are exercised, not only one.
    expect(passed).toBeGreaterThan(50);
    expect(passed).toBeLessThan(2950);
  });

  it('agree with class-validator on event messages, valid and not', () => {
    const valid = {
      event_id: 'e-1',
      user_id: 'u',
      product_id: 'p',
      event_type: 'view',
      user_session: 's',
      timestamp: '2024-05-01T12:00:00Z',
      price: 3,
    };
    const variants: Array<Record<string, unknown>> = [
      valid,
      { ...valid, price: undefined },
      { ...valid, event_id: '-starts-with-dash' },
      { ...valid, event_type: 'click' },
      { ...valid, timestamp: '2024-W01' },
      { ...valid, price: -1 },
      { ...valid, price: Number.NaN },
      { ...valid, user_id: '' },
      { ...valid, category: 'x'.repeat(257) },
      { ...valid, surplus: 1 },
    ];
    const options = { whitelist: true, forbidNonWhitelisted: true };
    for (const variant of variants) {
      const instance = plainToInstance(EventMessage, variant);
      expect([variant, passesCompiledRules(instance, options)]).toEqual([
        variant,
        validateSync(instance, options).length === 0,
      ]);
    }
  });

  it('leave to class-validator what they do not compile, even when it is valid', () => {
    expect(validateSync(plainToInstance(EachRule, { tags: ['a'] }))).toEqual([]);
    expect(passesCompiledRules(plainToInstance(EachRule, { tags: ['a'] }))).toBe(false);
    expect(passesCompiledRules(plainToInstance(AsyncRule, { value: 'a' }))).toBe(false);
    const valid = plainToInstance(Line, { code: 'a', unit: 'g' });
    expect(passesCompiledRules(valid)).toBe(true);
    expect(passesCompiledRules(valid, { groups: ['admin'] })).toBe(false);
    expect(passesCompiledRules(valid, { skipMissingProperties: true })).toBe(false);
  });

  it('leave plain objects, classes without rules and collections to class-validator', () => {
    expect(passesCompiledRules({ code: 'a', unit: 'g' })).toBe(false);
    expect(passesCompiledRules(plainToInstance(NoRules, {}))).toBe(false);
    expect(passesCompiledRules(new Set([1]))).toBe(false);
    expect(passesCompiledRules(null)).toBe(false);
  });
});
