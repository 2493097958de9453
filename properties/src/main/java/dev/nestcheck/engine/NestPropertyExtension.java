package dev.nestcheck.engine;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.List;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Runs {@link NestProperty} methods through the {@link Engine}. JUnit resolves the method's parameters
 * once (a placeholder {@link TestCase}); the interceptor then invokes the method reflectively once per
 * case with the real test case substituted, skips the original invocation, prints the statistics table,
 * and fails the test with the engine's report.
 */
public final class NestPropertyExtension implements ParameterResolver, InvocationInterceptor {

    @Override
    public boolean supportsParameter(ParameterContext pc, ExtensionContext ec) {
        return pc.getParameter().getType() == TestCase.class;
    }

    @Override
    public Object resolveParameter(ParameterContext pc, ExtensionContext ec) {
        return TestCase.ofChoices();   // placeholder, replaced per case in interceptTestMethod
    }

    @Override
    public void interceptTestMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> ic,
                                    ExtensionContext ec) throws Throwable {
        Method method = ic.getExecutable();
        NestProperty annotation = AnnotationSupport.findAnnotation(method, NestProperty.class).orElse(null);
        if (annotation == null) {
            invocation.proceed();
            return;
        }
        Object target = ic.getTarget().orElse(null);
        List<Object> resolved = ic.getArguments();
        method.setAccessible(true);
        Property property = tc -> {
            Object[] args = resolved.toArray();
            for (int i = 0; i < args.length; i++) {
                if (args[i] instanceof TestCase) {
                    args[i] = tc;
                }
            }
            try {
                method.invoke(target, args);
            } catch (InvocationTargetException e) {
                Throwable cause = e.getCause();
                if (cause instanceof Exception) {
                    throw (Exception) cause;
                }
                if (cause instanceof Error) {
                    throw (Error) cause;
                }
                throw e;
            }
        };
        Settings settings = settings(annotation, method.getDeclaringClass().getSimpleName() + "#" + method.getName());
        RunResult result = Engine.run(property, settings);
        invocation.skip();
        System.out.println(result.summary());
        result.databaseNote().ifPresent(n -> System.out.println("failure database: " + n));
        result.healthWarnings().forEach(w -> System.out.println("health warning: " + w));
        System.out.println(result.statistics().table());
        result.assertPassed();
    }

    /**
     * Annotation attributes, the local failure database (under {@code target/}, off in CI; used only by
     * properties with a random seed), then system property overrides.
     */
    static Settings settings(NestProperty a, String name) {
        Settings.Builder b = Settings.builder().name(name).mode(a.mode());
        if (a.tries() > 0) {
            b.tries(a.tries());
        }
        if (a.seed() != 0) {
            b.seed(a.seed());
        }
        if (!a.time().isBlank()) {
            b.timeBudget(Settings.parseDuration("@NestProperty(time)", a.time()));
        }
        if (a.maxSteps() > 0) {
            b.maxSteps(a.maxSteps());
        }
        if (a.maxValue() > 0) {
            b.maxValuePerDraw(a.maxValue());
        }
        if (a.shrinkAttempts() > 0) {
            b.shrinkMaxAttempts(a.shrinkAttempts());
        }
        if (!a.shrinkTime().isBlank()) {
            b.shrinkMaxTime(Settings.parseDuration("@NestProperty(shrinkTime)", a.shrinkTime()));
        }
        return b.build().withLocalDatabase().withSystemOverrides();
    }
}
