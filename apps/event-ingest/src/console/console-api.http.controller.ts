import { BrokerUnavailableError, DeadLetterSealedError } from '@app/messaging';
import {
  BadRequestException,
  Body,
  ConflictException,
  Controller,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  Post,
  Query,
  Req,
  ServiceUnavailableException,
  UseGuards,
} from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { DlqLimitDto } from '../admin/admin-queries.dto';
import { AdminAudit } from '../admin/admin.audit';
import { EventThroughput } from '../events/event-throughput';
import { ConsoleAuthGuard } from './console-auth.guard';
import { ConsoleDeadLettersService } from './console-dead-letters.service';
import { ConsoleQueuesService } from './console-queues.service';
import { ConsoleReportJobsService, ReportStoreNotConfiguredError } from './console-report-jobs.service';
import { DeadLetterActionDto, PipelineParamDto, ReportIdParamDto, ReportJobQueryDto } from './console.dto';

/** The JSON the console page polls, and its replay and discard actions (audited like the admin endpoints). */
@ApiExcludeController()
@UseGuards(ConsoleAuthGuard)
@Controller('console/api')
export class ConsoleApiHttpController {
  constructor(
    private readonly queues: ConsoleQueuesService,
    private readonly deadLetters: ConsoleDeadLettersService,
    private readonly throughput: EventThroughput,
    private readonly audit: AdminAudit,
    private readonly reportJobs: ConsoleReportJobsService,
  ) {}

  /** 200 while the session (or bearer token) is good: the page asks this before it shows itself. */
  @Get('session')
  session() {
    return { logged_in: true };
  }

  @Get('overview')
  async overview() {
    const queues = await this.run(() => this.queues.all());
    return {
      at: new Date().toISOString(),
      queues,
      throughput: { bucket_seconds: this.throughput.bucketSeconds, points: this.throughput.series() },
    };
  }

  @Get('dead-letters/:pipeline')
  deadLetterList(@Param() { pipeline }: PipelineParamDto, @Query() query: DlqLimitDto) {
    return this.run(() => this.deadLetters.list(pipeline, query.limit ?? 50));
  }

  @Post('dead-letters/:pipeline/replay')
  @HttpCode(200)
  replay(@Param() { pipeline }: PipelineParamDto, @Body() body: DeadLetterActionDto, @Req() request: FastifyRequest) {
    return this.audit.around('dlq.replay', request.ip, this.target(pipeline, body), () =>
      this.run(() => this.deadLetters.replay(pipeline, body.message_id)),
    );
  }

  @Post('dead-letters/:pipeline/discard')
  @HttpCode(200)
  discard(@Param() { pipeline }: PipelineParamDto, @Body() body: DeadLetterActionDto, @Req() request: FastifyRequest) {
    return this.audit.around('dlq.discard', request.ip, this.target(pipeline, body), () =>
      this.run(() => this.deadLetters.discard(pipeline, body.message_id)),
    );
  }

  /** `configured: false` when the console has no MongoDB of the report worker (CONSOLE_MONGODB_URI). */
  @Get('report-jobs')
  async jobs(@Query() query: ReportJobQueryDto) {
    if (!this.reportJobs.configured) return { configured: false, jobs: [] };
    const { request_id, user_id } = query;
    if ((request_id === undefined) === (user_id === undefined))
      throw new BadRequestException('give exactly one of request_id and user_id');
    const jobs = await this.run(() =>
      this.reportJobs.find(request_id !== undefined ? { request_id } : { user_id: user_id! }),
    );
    return { configured: true, jobs };
  }

  /** Patient data: shown to the logged-in admin only, never cached (no-store), every view audited. */
  @Get('reports/:report_id')
  async report(@Param() { report_id }: ReportIdParamDto, @Req() request: FastifyRequest) {
    const report = await this.run(() => this.reportJobs.report(report_id, { client: request.ip }));
    if (!report) throw new NotFoundException(`no report ${report_id} within retention`);
    return report;
  }

  private target(pipeline: PipelineParamDto['pipeline'], body: DeadLetterActionDto): string {
    const queue = this.deadLetters.queueOf(pipeline);
    return body.message_id === undefined ? `${queue} (all)` : `${queue} message ${body.message_id}`;
  }

  private async run<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      if (error instanceof BrokerUnavailableError) throw new ServiceUnavailableException(error.message);
      if (error instanceof DeadLetterSealedError || error instanceof ReportStoreNotConfiguredError)
        throw new ConflictException(error.message);
      if ((error as { code?: unknown }).code === 404)
        throw new ServiceUnavailableException(
          'the dead-letter queue does not exist yet (its pipeline has not started)',
        );
      throw error;
    }
  }
}
