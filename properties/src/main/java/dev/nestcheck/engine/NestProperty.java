package dev.nestcheck.engine;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a JUnit 5 test method taking a {@link TestCase} parameter as a property: {@link
 * NestPropertyExtension} runs it once per case through the {@link Engine} and reports a failure with
 * {@link Failure#report()}. Zero / empty attribute values mean "engine default" (see
 * {@link Settings#defaults()}); system properties {@code -Dnestcheck.seed/tries/time/replay/mode} override
 * the attributes. Note that JUnit lifecycle methods ({@code @BeforeEach}) run once per property, not per
 * case: build fresh state inside the method.
 */
@Target({ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Test
@ExtendWith(NestPropertyExtension.class)
public @interface NestProperty {

    /** Valid cases to run (random mode); 0 = default. */
    int tries() default 0;

    /** Master seed; 0 = a random seed (printed on failure). */
    long seed() default 0;

    /** Time budget for generation, e.g. {@code "30s"}; "" = none. */
    String time() default "";

    Mode mode() default Mode.RANDOM;

    /** Exhaustive step bound ({@link TestCase#maxSteps()}); 0 = default. */
    int maxSteps() default 0;

    /** Exhaustive per-draw value bound; 0 = default. */
    long maxValue() default 0;

    /** Shrinking attempt budget; 0 = default. */
    int shrinkAttempts() default 0;

    /** Shrinking time budget, e.g. {@code "10s"}; "" = default. */
    String shrinkTime() default "";
}
