import {
  getMetadataStorage,
  MetadataStorage,
  ValidationArguments,
  ValidationTypes,
  ValidatorOptions,
} from 'class-validator';

type RuleMetadata = ReturnType<MetadataStorage['getTargetValidationMetadatas']>[number];
type Condition = (object: object, value: unknown) => unknown;

/** One constraint of a property, as class-validator calls it: the registered instance, its arguments. */
interface Constraint {
  validate: (value: unknown, args: ValidationArguments) => unknown;
  constraints: unknown[];
  validateIf?: Condition;
}

interface PropertyRules {
  property: string;
  /** @IsOptional, @ValidateIf: the property is checked only when all of them hold. */
  conditions: Condition[];
  constraints: Constraint[];
  /** @ValidateNested: an object, or an array of objects, each checked against its own class. */
  nested: boolean;
}

interface ClassRules {
  targetName: string;
  properties: PropertyRules[];
  known: Set<string>;
}

/**
 * Options the compiled rules follow as class-validator does; `validationError`, `stopAtFirstError`
 * and the message options shape errors only. With any other option set, everything is left to
 * class-validator.
 */
const FOLLOWED_OPTIONS = new Set([
  'whitelist',
  'forbidNonWhitelisted',
  'forbidUnknownValues',
  'validationError',
  'stopAtFirstError',
  'dismissDefaultMessages',
  'enableDebugMessages',
]);

/** Per class: its compiled rules, or null when it uses a feature left to class-validator. */
const compiled = new WeakMap<object, ClassRules | null>();

/**
 * Whether an object (an instance of a class with class-validator decorators) passes its class's
 * rules, answered without class-validator's executor. The rules are compiled once per class from
 * class-validator's own metadata: the same constraint instances are called with the same
 * arguments, so there is no second copy of the rules to drift, only less work per call (no
 * metadata lookup, grouping or error object per property).
 *
 * It only ever says "passes". false means "ask class-validator": the object breaks a rule, or its
 * class uses something compiled rules leave alone (async or `each` constraints, promises, Sets or
 * Maps, groups, the skip options). class-validator then decides and writes the messages, so it
 * stays the contract of record; this is a shortcut for valid input on hot paths.
 */
export function passesCompiledRules(object: unknown, options: ValidatorOptions = {}): boolean {
  if (!followsOptions(options)) return false;
  return passes(object, options);
}

function passes(object: unknown, options: ValidatorOptions): boolean {
  if (typeof object !== 'object' || object === null || Array.isArray(object)) return false;
  if (object instanceof Set || object instanceof Map) return false;
  const rules = rulesOf(object.constructor);
  if (!rules) return false;
  if (rules.properties.length === 0 && options.forbidUnknownValues !== false) return false;
  // whitelist: an unknown key is an error (forbidNonWhitelisted) or stripped; either is class-validator's to do.
  if (options.whitelist) for (const key of Object.keys(object)) if (!rules.known.has(key)) return false;
  const record = object as Record<string, unknown>;
  for (const property of rules.properties) {
    const value = record[property.property];
    if (!property.conditions.every((condition) => condition(object, value))) continue;
    for (const constraint of property.constraints) {
      if (constraint.validateIf && !constraint.validateIf(object, value)) continue;
      const args: ValidationArguments = {
        targetName: rules.targetName,
        property: property.property,
        object,
        value,
        constraints: constraint.constraints,
      };
      const result = constraint.validate(value, args);
      if (!result || result instanceof Promise) return false;
    }
    if (property.nested && !passesNested(value, options)) return false;
  }
  return true;
}

/** class-validator's nested walk: undefined passes, arrays item by item, objects by their own class. */
function passesNested(value: unknown, options: ValidatorOptions): boolean {
  if (value === undefined) return true;
  if (Array.isArray(value)) return value.every((item) => passesNested(item, options));
  return passes(value, options);
}

function followsOptions(options: ValidatorOptions): boolean {
  for (const [key, value] of Object.entries(options)) {
    if (value !== undefined && value !== false && !FOLLOWED_OPTIONS.has(key)) return false;
  }
  return true;
}

function rulesOf(target: unknown): ClassRules | null {
  if (typeof target !== 'function' || target === Object) return null;
  let rules = compiled.get(target);
  if (rules === undefined) {
    rules = compile(target as abstract new (...args: never[]) => unknown);
    compiled.set(target, rules);
  }
  return rules;
}

function compile(target: abstract new (...args: never[]) => unknown): ClassRules | null {
  const storage = getMetadataStorage();
  // The same selection class-validator makes for an object of this class without groups.
  const byProperty = storage.groupByPropertyName(storage.getTargetValidationMetadatas(target, '', false, false));
  const properties: PropertyRules[] = [];
  for (const [property, metadatas] of Object.entries(byProperty)) {
    const rules: PropertyRules = { property, conditions: [], constraints: [], nested: false };
    for (const metadata of metadatas) {
      if (!addRule(rules, metadata, storage)) return null;
    }
    properties.push(rules);
  }
  return { targetName: target.name, properties, known: new Set(Object.keys(byProperty)) };
}

/** Adds one metadata's rule; false when it is one the compiled rules leave to class-validator. */
function addRule(rules: PropertyRules, metadata: RuleMetadata, storage: MetadataStorage): boolean {
  // `each` is how class-validator checks every item against a constraint; nesting walks arrays anyway.
  if (metadata.each && metadata.type !== ValidationTypes.NESTED_VALIDATION) return false;
  switch (metadata.type) {
    case ValidationTypes.WHITELIST:
      return true;
    case ValidationTypes.CONDITIONAL_VALIDATION:
      rules.conditions.push(metadata.constraints[0] as Condition);
      return true;
    case ValidationTypes.NESTED_VALIDATION:
      rules.nested = true;
      return true;
    case ValidationTypes.CUSTOM_VALIDATION:
    case ValidationTypes.IS_DEFINED:
      for (const constraint of storage.getTargetValidatorConstraints(metadata.constraintCls)) {
        if (constraint.async) return false;
        const instance = constraint.instance as Constraint;
        rules.constraints.push({
          validate: instance.validate.bind(instance),
          constraints: metadata.constraints,
          validateIf: metadata.validateIf as Condition | undefined,
        });
      }
      return true;
    default:
      return false;
  }
}
