import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { REPORT_REQUEST_LIMITS } from './report-request.limits';

/** Patient details. Protected health information: the worker never logs these fields. */
export class PatientInfo {
  @IsOptional() @IsString() @MaxLength(200) name?: string;
  @IsInt() @Min(0) @Max(130) age: number;
  @IsIn(['male', 'female', 'other', 'unknown']) sex: 'male' | 'female' | 'other' | 'unknown';
  @IsOptional() @IsArray() @IsString({ each: true }) conditions?: string[];
  @IsOptional() @IsArray() @IsString({ each: true }) medications?: string[];
}

/** A lab reference range; either bound may be missing (e.g. HDL has only a lower bound). */
export class ReferenceRange {
  @IsOptional() @IsNumber() low?: number;
  @IsOptional() @IsNumber() high?: number;
}

export class LabResult {
  @IsString() @IsNotEmpty() name: string;
  @IsNumber() value: number;
  @IsString() @IsNotEmpty() unit: string;
  @IsObject() @ValidateNested() @Type(() => ReferenceRange) reference_range: ReferenceRange;
  /** Optional knowledge-base category; derived from the lab name when missing. */
  @IsOptional() @IsString() category?: string;
}

/** May be empty: a lab system often has no risk score to send. */
export class CvdSummary {
  @IsOptional() @IsNumber() @Min(0) @Max(100) ten_year_risk_percent?: number;
  @IsOptional() @IsString() @IsNotEmpty() risk_category?: string;
  @IsOptional() @IsString() notes?: string;
}

/** May be empty, as producers send it before a clinician has written one. */
export class Assessment {
  @IsOptional() @IsString() @IsNotEmpty() summary?: string;
  @IsOptional() @IsArray() @IsString({ each: true }) findings?: string[];
}

export class PlanItem {
  @IsString() @IsNotEmpty() action: string;
  @IsOptional() @IsString() category?: string;
  @IsOptional() @IsString() timeframe?: string;
}

export class ResourceRow {
  @IsString() @IsNotEmpty() title: string;
  @IsOptional() @IsString() url?: string;
  @IsOptional() @IsString() kb_id?: string;
}

/** A report generation request. `request_id` is the idempotency key. */
export class ReportGenerationRequest {
  @IsString() @IsNotEmpty() @MaxLength(200) request_id: string;
  @IsString() @IsNotEmpty() @MaxLength(200) user_id: string;
  @IsObject() @ValidateNested() @Type(() => PatientInfo) patient: PatientInfo;

  @IsArray()
  @ArrayMaxSize(REPORT_REQUEST_LIMITS.arrays.labs)
  @ValidateNested({ each: true })
  @Type(() => LabResult)
  labs: LabResult[];

  @IsObject() @ValidateNested() @Type(() => CvdSummary) cvd_summary: CvdSummary;
  @IsObject() @ValidateNested() @Type(() => Assessment) assessment: Assessment;
  @IsArray()
  @ArrayMaxSize(REPORT_REQUEST_LIMITS.arrays.plan)
  @ValidateNested({ each: true })
  @Type(() => PlanItem)
  plan: PlanItem[];
  @IsArray() @ArrayMaxSize(REPORT_REQUEST_LIMITS.arrays.red_flags) @IsString({ each: true }) red_flags: string[];
  @IsArray()
  @ArrayMaxSize(REPORT_REQUEST_LIMITS.arrays.resources_table)
  @ValidateNested({ each: true })
  @Type(() => ResourceRow)
  resources_table: ResourceRow[];
  @IsString() @IsNotEmpty() disclaimer: string;

  /**
   * Optional: the worker also POSTs the response here (a webhook). Checked against the worker's
   * WEBHOOK_* settings when the request arrives; carries no patient data (the worker adds nothing to it).
   */
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(REPORT_REQUEST_LIMITS.callbackUrlChars) callback_url?: string;
}
