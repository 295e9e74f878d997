import { Controller, Get, Header } from '@nestjs/common';
import { ReportMetrics } from './report.metrics';

/** Prometheus scrape endpoint on the health side port, open as the probes are (the port is not public). */
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: ReportMetrics) {}

  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  scrape(): Promise<string> {
    return this.metrics.render();
  }
}
