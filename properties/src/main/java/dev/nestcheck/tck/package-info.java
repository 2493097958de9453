/**
 * Plugging an implementation into nestcheck, TCK style.
 * <ul>
 * <li>{@link dev.nestcheck.tck.NestingConformanceVerification}: extend it in your test sources and
 *     implement {@code create(Platform)}; JUnit 5 runs one conformance test per VMID policy and
 *     replays the regression corpus when it is on the class path. Tuned with
 *     {@code -Dnestcheck.tries/time/seed/replay/platform/timeout/corpus}.</li>
 * <li>{@link dev.nestcheck.tck.ByNameVerification}: the same tests for an implementation found by
 *     name through ServiceLoader ({@code -Dnestcheck.impl=NAME}).</li>
 * <li>{@link dev.nestcheck.tck.TraceReplay}: replays a trace against an implementation, step by
 *     step with the model and the trace's expectations; {@code assertConforms(json, name)} is what
 *     generated regression tests call.</li>
 * </ul>
 */
package dev.nestcheck.tck;
