package org.example.wrapper;

import dev.nestcheck.tck.ByNameVerification;

/**
 * The same tests, with the implementation found through ServiceLoader by the name it registers:
 * this is how {@code nestcheck check --impl example-wrapper} finds it when this jar is on the
 * class path.
 */
class ByNameWrapperVerification extends ByNameVerification {
    @Override
    protected String implementationName() {
        return "example-wrapper";
    }

    @Override
    protected int defaultTries() {
        return 50;
    }
}
