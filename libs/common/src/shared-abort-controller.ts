import { setMaxListeners } from 'node:events';

/**
 * An AbortController whose signal many waiters listen to at once, each removing its listener when
 * its wait ends: every delivery held through an outage waits on the one shutdown signal. Node warns
 * of a possible leak past 10 listeners ("MaxListenersExceededWarning"), which an operator would
 * read in the middle of an outage; the number here is bounded by the deliveries in hand instead.
 */
export function sharedAbortController(): AbortController {
  const controller = new AbortController();
  setMaxListeners(Infinity, controller.signal);
  return controller;
}
