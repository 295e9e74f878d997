import { EnvelopeCipher, KeyRing } from '@app/crypto';
import { MedicalReportContent, sealedReportContext } from '@app/mongo';

/**
 * The health data of a raw `medical_reports` document, opened with the key ring the apps of this
 * spec run with (REPORT_ENCRYPTION_KEYS): what `report.get` would serve of it.
 */
export function openStoredReport(
  document: { report_id: string; sealed_content: string },
  keys = process.env.REPORT_ENCRYPTION_KEYS,
): MedicalReportContent {
  return new EnvelopeCipher(KeyRing.parse(keys)).openJson<MedicalReportContent>(
    document.sealed_content,
    sealedReportContext(document.report_id),
  );
}
