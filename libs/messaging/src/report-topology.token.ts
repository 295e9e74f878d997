/** Injection token of the worker's ReportTopology (built from settings at boot). */
export const REPORT_TOPOLOGY = Symbol('REPORT_TOPOLOGY');
