import { IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import type { Pipeline } from './console-queues.service';

export class ConsoleLoginDto {
  @IsString()
  @MinLength(1)
  @MaxLength(1000)
  token: string;
}

export class PipelineParamDto {
  @IsIn(['events', 'reports'], { message: 'pipeline must be events or reports' })
  pipeline: Pipeline;
}

/** A replay or discard: of the letter with this message id, or of every letter without one. */
export class DeadLetterActionDto {
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  message_id?: string;
}

/** Report jobs of one request, or of one user (newest 20). */
export class ReportJobQueryDto {
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  request_id?: string;

  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  user_id?: string;
}

export class ReportIdParamDto {
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  report_id: string;
}
