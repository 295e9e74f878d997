import { LabResult, PlanItem, ReportGenerationRequest } from '@app/contracts';

export type LabStatus = 'low' | 'high' | 'normal';

export interface LabFinding {
  name: string;
  value: number;
  unit: string;
  low?: number;
  high?: number;
  status: LabStatus;
  category: string;
}

/** Lab and plan wording to knowledge-base categories; first match wins. */
const CATEGORY_RULES: Array<[RegExp, string]> = [
  [/triglycer/i, 'triglycerides'],
  [/\b(ldl|hdl|cholesterol|lipid|non-hdl)/i, 'cholesterol'],
  [/(hba1c|\ba1c\b|glucose|glycated|blood sugar)/i, 'blood_sugar'],
  [/(systolic|diastolic|blood pressure|\bbp\b)/i, 'blood_pressure'],
  [/(egfr|creatinine|albumin|\bacr\b|kidney|urea)/i, 'kidney_health'],
  [/(\bbmi\b|weight|waist)/i, 'weight_management'],
  [/(walk|exercise|activity|aerobic|strength|steps)/i, 'physical_activity'],
  [/(diet|nutrition|food|salt|sodium|vegetable|sugar intake)/i, 'nutrition'],
  [/(smok|tobacco|nicotine|vap)/i, 'smoking_cessation'],
];

export function categoryOf(text: string): string | undefined {
  return CATEGORY_RULES.find(([pattern]) => pattern.test(text))?.[1];
}

function statusOf(lab: LabResult): LabStatus {
  const { low, high } = lab.reference_range;
  if (low !== undefined && lab.value < low) return 'low';
  if (high !== undefined && lab.value > high) return 'high';
  return 'normal';
}

export function labFindings(labs: LabResult[]): LabFinding[] {
  return labs.map((lab) => ({
    name: lab.name,
    value: lab.value,
    unit: lab.unit,
    low: lab.reference_range.low,
    high: lab.reference_range.high,
    status: statusOf(lab),
    category: lab.category ?? categoryOf(lab.name) ?? 'general',
  }));
}

function planCategory(item: PlanItem): string | undefined {
  return item.category ?? categoryOf(item.action);
}

/** Every knowledge-base category the labs and the plan touch, sorted for a stable prompt and cache key. */
export function categoriesOf(request: ReportGenerationRequest): string[] {
  const categories = new Set<string>();
  for (const finding of labFindings(request.labs)) categories.add(finding.category);
  for (const item of request.plan) {
    const category = planCategory(item);
    if (category) categories.add(category);
  }
  categories.delete('general');
  return [...categories].sort();
}

export function rangeText(finding: Pick<LabFinding, 'low' | 'high' | 'unit'>): string {
  if (finding.low !== undefined && finding.high !== undefined) return `${finding.low}–${finding.high} ${finding.unit}`;
  if (finding.high !== undefined) return `below ${finding.high} ${finding.unit}`;
  if (finding.low !== undefined) return `at least ${finding.low} ${finding.unit}`;
  return 'no range given';
}
