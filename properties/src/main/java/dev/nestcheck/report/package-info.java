/**
 * What a run leaves behind, written atomically ({@link dev.nestcheck.report.AtomicFiles}):
 * per counterexample a folder with {@code counterexample.md}, {@code trace.json} and a generated
 * JUnit regression test ({@link dev.nestcheck.report.CounterexampleReport}); per run
 * {@code summary.md} and {@code summary.json} ({@link dev.nestcheck.report.RunSummary}) with the
 * coverage per rule ({@link dev.nestcheck.report.RuleCoverage}, titles from
 * {@link dev.nestcheck.report.RuleCatalogue}). The Markdown is plain text of at most 80 columns that reads
 * well in a mail ({@link dev.nestcheck.report.Layout}, {@link dev.nestcheck.report.CounterexampleText},
 * {@link dev.nestcheck.report.Decode}); after a crash or hang the implementation's stack trace goes next
 * to it ({@link dev.nestcheck.report.StackTraces}).
 */
package dev.nestcheck.report;
