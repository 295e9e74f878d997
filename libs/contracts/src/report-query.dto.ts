import 'reflect-metadata';
import { Type } from 'class-transformer';
import { IsInt, IsNotEmpty, IsOptional, IsString, Max, Min } from 'class-validator';

/** `report.status` */
export class ReportStatusQuery {
  @IsString() @IsNotEmpty() request_id: string;
}

/** `report.get` and `report.delete` */
export class ReportIdQuery {
  @IsString() @IsNotEmpty() report_id: string;
}

/** `report.list`: newest first, `page` from 1. */
export class ReportListQuery {
  @IsString() @IsNotEmpty() user_id: string;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) page = 1;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100) page_size = 20;
}
