package dev.nestcheck.process;

import dev.nestcheck.tck.ByNameVerification;

/**
 * The TCK as a user runs it with {@code -Dnestcheck.impl=exec:...}: ByNameVerification on a child
 * process (the optimized implementation served by a child JVM), one test per policy plus the
 * regression corpus replayed through the protocol.
 */
class ExecByNameVerification extends ByNameVerification {
    @Override
    protected String implementationName() {
        return JavaChild.exec("optimized");
    }

    @Override
    protected int defaultTries() {
        return 50;
    }
}
