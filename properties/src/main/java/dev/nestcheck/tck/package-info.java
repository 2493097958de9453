/**
 * Plugging an implementation into nestcheck, TCK style.
 * <ul>
 * <li>{@link dev.nestcheck.tck.NestingConformanceVerification}: extend it in your test sources (in a
 *     class whose name ends in {@code Test}, so that Surefire's defaults run it) and implement
 *     {@code create(Platform)}; JUnit 5 runs one conformance test per VMID policy with the budget of
 *     {@code nestcheck check}, says what it checked, and replays the regression corpus that the
 *     {@code nestcheck-tck} jar carries. A failure writes check's report folder under
 *     {@code target/nestcheck-reports/} and prints the Maven command that replays it. Tuned with
 *     {@code -Dnestcheck.tries/time/seed/replay/platform/timeout/corpus/reports}.</li>
 * <li>{@link dev.nestcheck.tck.ByNameVerification}: the same tests for an implementation found by
 *     name through ServiceLoader ({@code -Dnestcheck.impl=NAME}, {@code -Dnestcheck.classpath=JAR}); without a
 *     name it fails rather than pass having checked nothing.</li>
 * <li>{@link dev.nestcheck.tck.TraceReplay}: replays a trace against an implementation, step by
 *     step with the model and the trace's expectations; {@code assertConforms(json, name)} is what
 *     generated regression tests call.</li>
 * </ul>
 */
package dev.nestcheck.tck;
