package org.example.wrapper;

import dev.nestcheck.tck.ByNameVerification;

/**
 * The same tests, with the implementation found through ServiceLoader by the name it registers:
 * this is how {@code nestcheck check --impl example-wrapper --classpath target/classes} finds it.
 */
class ByNameWrapperConformanceTest extends ByNameVerification {
    @Override
    protected String implementationName() {
        return "example-wrapper";
    }
}
