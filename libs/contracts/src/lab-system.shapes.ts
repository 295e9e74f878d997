/**
 * The shapes producers converting from lab systems send, turned once, at the edge, into the
 * canonical request that is validated and stored: reference ranges as text (`"<100"`,
 * `"4.0-5.6"`, `">40"`, `"70–99 mg/dL"`) or as a FHIR Observation `referenceRange`
 * (`{ low: { value }, high: { value }, text }`, or a list of them), a value as a FHIR
 * `valueQuantity` or a numeric string, plan items as plain strings, and an empty or missing
 * `cvd_summary` or `assessment`. What cannot be understood is refused with the field and the
 * accepted forms; everything else is left to the class-validator contract.
 */
type Json = Record<string, unknown>;

export interface ReferenceBounds {
  low?: number;
  high?: number;
}

const ACCEPTED_RANGE_FORMS =
  'accepted: {"low": 4, "high": 5.6}, "4.0-5.6", "<100", "<=100", ">40", ">=40", "70–99 mg/dL", ' +
  'FHIR {"low": {"value": 4}, "high": {"value": 5.6}} or {"text": "4.0-5.6"}';

/** A decimal point only: "150,000" is a thousands separator in one lab and a decimal comma in another, so it is refused. */
const NUMBER = String.raw`[-+]?\d+(?:\.\d+)?`;
/** A unit or note after the bounds (`mg/dL`, `%`, `mL/min/1.73m2`); never another number first. */
const TRAILER = String.raw`(?:\s+[^\d\s+-].*|%.*)?`;
const BETWEEN = new RegExp(String.raw`^(${NUMBER})\s*(?:-|–|—|to)\s*(${NUMBER})${TRAILER}$`, 'i');
const BELOW = new RegExp(String.raw`^(?:<|<=|=<|≤|under|below)\s*(${NUMBER})${TRAILER}$`, 'i');
const ABOVE = new RegExp(String.raw`^(?:>|>=|=>|≥|over|above)\s*(${NUMBER})${TRAILER}$`, 'i');

/** Bounds of a text range, or undefined when the text is not one of the accepted forms. */
export function parseRangeText(text: string): ReferenceBounds | undefined {
  const trimmed = text.trim();
  const between = BETWEEN.exec(trimmed);
  if (between) {
    const [low, high] = [Number(between[1]), Number(between[2])];
    return low <= high ? { low, high } : undefined;
  }
  const below = BELOW.exec(trimmed);
  if (below) return { high: Number(below[1]) };
  const above = ABOVE.exec(trimmed);
  if (above) return { low: Number(above[1]) };
  return undefined;
}

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A bound as a number or a FHIR Quantity (`{ value: 4 }`); anything else is left for the contract to refuse. */
function boundOf(value: unknown): unknown {
  return isObject(value) && 'value' in value ? value.value : value;
}

type Normalised<T> = { value: T } | { problem: string };

function refusedRange(range: unknown, path: string): { problem: string } {
  return { problem: `${path}: ${JSON.stringify(range)} is not a reference range; ${ACCEPTED_RANGE_FORMS}` };
}

function referenceRangeOf(range: unknown, path: string): Normalised<unknown> {
  if (Array.isArray(range)) return range.length > 0 ? referenceRangeOf(range[0], path) : refusedRange(range, path);
  if (typeof range === 'string') {
    const bounds = parseRangeText(range);
    return bounds ? { value: bounds } : refusedRange(range, path);
  }
  if (!isObject(range)) return { value: range };
  const low = boundOf(range.low);
  const high = boundOf(range.high);
  if (low === undefined && high === undefined && typeof range.text === 'string') {
    const bounds = parseRangeText(range.text);
    return bounds ? { value: bounds } : refusedRange(range, path);
  }
  const bounds: Json = {};
  if (low !== undefined) bounds.low = low;
  if (high !== undefined) bounds.high = high;
  return { value: bounds };
}

/** A numeric string ("5.6") becomes a number; any other string stays, for the contract to refuse. */
function labValueOf(value: unknown): unknown {
  const text = typeof value === 'string' ? value.trim() : '';
  if (text === '') return value;
  const number = Number(text);
  return Number.isFinite(number) ? number : value;
}

function labOf(lab: unknown, path: string): Normalised<unknown> {
  if (!isObject(lab)) return { value: lab };
  const { valueQuantity, referenceRange, ...rest } = lab;
  const quantity = isObject(valueQuantity) ? valueQuantity : undefined;
  const canonical: Json = { ...rest };
  if (canonical.value === undefined && quantity) canonical.value = quantity.value;
  if (canonical.unit === undefined && quantity) canonical.unit = quantity.unit ?? quantity.code;
  canonical.value = labValueOf(canonical.value);
  const range = canonical.reference_range ?? referenceRange;
  if (range === undefined) return { value: canonical };
  const normalised = referenceRangeOf(range, `${path}.reference_range`);
  if ('problem' in normalised) return normalised;
  canonical.reference_range = normalised.value;
  return { value: canonical };
}

const planItemOf = (item: unknown): unknown => (typeof item === 'string' ? { action: item } : item);

/** An empty or missing section is an empty object; `null` counts as missing. */
const sectionOf = (section: unknown): unknown => (section === undefined || section === null ? {} : section);

/** The canonical body, or the problems of the fields in a form that is not accepted. */
export function normaliseLabSystemShapes(body: Json): { body: Json } | { problems: string[] } {
  const problems: string[] = [];
  const canonical: Json = { ...body };
  if (Array.isArray(body.labs)) {
    canonical.labs = body.labs.map((lab, index) => {
      const normalised = labOf(lab, `labs.${index}`);
      if ('problem' in normalised) {
        problems.push(normalised.problem);
        return lab;
      }
      return normalised.value;
    });
  }
  if (Array.isArray(body.plan)) canonical.plan = body.plan.map(planItemOf);
  canonical.cvd_summary = sectionOf(body.cvd_summary);
  canonical.assessment = sectionOf(body.assessment);
  return problems.length > 0 ? { problems } : { body: canonical };
}
