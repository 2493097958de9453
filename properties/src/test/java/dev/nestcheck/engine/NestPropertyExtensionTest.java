package dev.nestcheck.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.InvocationInterceptor.Invocation;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;

/**
 * The extension's failing path, driven directly (junit-platform-testkit is not on the classpath): a
 * failing annotated method must fail with the engine's report, and the original invocation be skipped.
 */
class NestPropertyExtensionTest {

    static final List<Integer> CALLS = new ArrayList<>();

    /**
     * Annotated fixture methods that JUnit must not run on its own: default methods of an interface that
     * no class implements; they are invoked on a runtime {@link Proxy}, which classpath scanning never sees.
     */
    interface Fixture {
        @NestProperty(tries = 500, seed = 17, shrinkAttempts = 2000)
        default void sumUnder1000(TestCase tc) {
            CALLS.add(1);
            Scenarios.sumStaysUnder1000(tc);
        }

        @NestProperty(tries = 30, seed = 17)
        default void passes(TestCase tc) {
            CALLS.add(1);
            tc.label("kind", "any");
        }
    }

    private static final Fixture FIXTURE = (Fixture) Proxy.newProxyInstance(Fixture.class.getClassLoader(),
            new Class<?>[] {Fixture.class}, (proxy, method, args) -> InvocationHandler.invokeDefault(proxy, method, args));

    private static final class FakeInvocation implements Invocation<Void> {
        boolean proceeded;
        boolean skipped;

        @Override
        public Void proceed() {
            proceeded = true;
            return null;
        }

        @Override
        public void skip() {
            skipped = true;
        }
    }

    private static ReflectiveInvocationContext<Method> context(Method m) {
        CALLS.clear();
        return new ReflectiveInvocationContext<>() {
            @Override
            public Class<?> getTargetClass() {
                return Fixture.class;
            }

            @Override
            public Method getExecutable() {
                return m;
            }

            @Override
            public List<Object> getArguments() {
                return List.of(TestCase.ofChoices());
            }

            @Override
            public Optional<Object> getTarget() {
                return Optional.of(FIXTURE);
            }
        };
    }

    @Test
    void aFailingPropertyFailsWithTheReportAndSkipsTheOriginalInvocation() throws Exception {
        Method m = Fixture.class.getDeclaredMethod("sumUnder1000", TestCase.class);
        FakeInvocation invocation = new FakeInvocation();
        assertThatThrownBy(() -> new NestPropertyExtension().interceptTestMethod(invocation, context(m), null))
                .isInstanceOf(PropertyFailedError.class)
                .hasMessageContaining("Property Fixture#sumUnder1000 failed")
                .hasMessageContaining("xs = [1000]")
                .hasMessageContaining("Seed:    17")
                .hasMessageContaining("-Dnestcheck.replay=nc1.")
                .hasMessageContaining("(limit 2000)")
                .hasCauseInstanceOf(AssertionError.class);
        assertThat(invocation.skipped).isTrue();
        assertThat(invocation.proceeded).isFalse();
        assertThat(CALLS.size()).isGreaterThan(3);   // generation, shrinking and the final run
    }

    @Test
    void aPassingPropertyRunsOncePerTry() throws Throwable {
        Method m = Fixture.class.getDeclaredMethod("passes", TestCase.class);
        FakeInvocation invocation = new FakeInvocation();
        new NestPropertyExtension().interceptTestMethod(invocation, context(m), null);
        assertThat(CALLS).hasSize(30);
        assertThat(invocation.skipped).isTrue();
    }

    @Test
    void annotationAttributesBecomeSettings() throws Exception {
        NestProperty a = Fixture.class.getDeclaredMethod("sumUnder1000", TestCase.class).getAnnotation(NestProperty.class);
        Settings s = NestPropertyExtension.settings(a, "X#y");
        assertThat(s.tries()).isEqualTo(500);
        assertThat(s.seed()).hasValue(17);
        assertThat(s.shrinkMaxAttempts()).isEqualTo(2000);
        assertThat(s.name()).isEqualTo("X#y");
        assertThat(s.maxSteps()).isEqualTo(Settings.defaults().maxSteps());
    }
}
