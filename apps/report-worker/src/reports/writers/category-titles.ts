/** Human titles of knowledge-base categories, for section headings. */
const CATEGORY_TITLES: Record<string, string> = {
  cholesterol: 'Cholesterol',
  triglycerides: 'Triglycerides',
  blood_sugar: 'Blood sugar (glucose and HbA1c)',
  blood_pressure: 'Blood pressure',
  kidney_health: 'Kidney health',
  weight_management: 'Weight management',
  physical_activity: 'Physical activity',
  nutrition: 'Nutrition',
  smoking_cessation: 'Quitting tobacco',
};

export function categoryTitle(category: string): string {
  return CATEGORY_TITLES[category] ?? category.replace(/_/g, ' ').replace(/^\w/, (c) => c.toUpperCase());
}
