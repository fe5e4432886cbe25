/**
 * The connector SDK: the only module connectors import. Types of the connector
 * contract, typed errors, the secret marker and the HTTP helper.
 */
export * from './connector.ts';
export * from './errors.ts';
export * from './error-codes.ts';
export * from './http.types.ts';
export * from './secret.ts';
export * from './time-zone.ts';
export * from './url.ts';
export { guardedLookup, isLinkLocalAddress, linkLocalHost, LinkLocalRefusedError, type LookupFunction } from './address-guard.ts';
export { z } from 'zod';
export { createHttpClient, type CreateHttpClientOptions, type HttpClientHooks } from './http.ts';
export { backoffDelay, parseRetryAfter, sleep } from './retry.ts';
export { renderTemplate, usesWindow, type TemplateEscape } from './template.ts';
export { describeStatus, sourceMessage } from './http-errors.ts';
export { excerpt, scrub } from './http-redact.ts';
export { describeFileKind } from './file-kind.ts';
export { windowsToQuery } from './windows.ts';
export { describeValue, isRecord } from './values.ts';
