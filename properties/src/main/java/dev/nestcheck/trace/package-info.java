/**
 * The nestcheck trace format, version 1 (TRACE.md): {@link dev.nestcheck.trace.Trace} and its
 * steps and expectations, the strict reader and deterministic writer
 * {@link dev.nestcheck.trace.TraceCodec}, argument expansion for commands that take trace
 * files ({@link dev.nestcheck.trace.TraceFiles}) and the named platform presets
 * ({@link dev.nestcheck.trace.Platforms}).
 */
package dev.nestcheck.trace;
