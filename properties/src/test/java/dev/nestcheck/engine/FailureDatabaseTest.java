package dev.nestcheck.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FailureDatabaseTest {

    @TempDir
    Path dir;

    private Settings settings() {
        return Settings.defaults().withName("DatabaseTest#sum").withTries(1000).withDatabase(dir);
    }

    @Test
    void theLastFailureIsReplayedFirstAndForgottenOnceItPasses() throws Exception {
        AtomicBoolean fixed = new AtomicBoolean();
        Property p = tc -> {
            if (!fixed.get()) {
                Scenarios.sumStaysUnder1000(tc);
            } else {
                Scenarios.INT_LISTS.generate(tc);
            }
        };
        RunResult first = Engine.run(p, settings());
        Failure f = first.failure().orElseThrow();
        assertThat(f.how()).isEqualTo("random search");
        try (var files = Files.list(dir)) {
            Path stored = files.filter(x -> x.toString().endsWith(".token")).findFirst().orElseThrow();
            assertThat(stored.getFileName().toString()).startsWith("DatabaseTest_sum-");
            assertThat(Files.readString(stored).strip()).isEqualTo(f.replayToken());
        }

        RunResult second = Engine.run(p, settings());
        Failure g = second.failure().orElseThrow();
        assertThat(g.how()).isEqualTo("failure database");
        assertThat(g.casesBeforeFailure()).isEqualTo(1);
        assertThat(g.choices()).containsExactly(f.choices());
        assertThat(second.databaseNote()).get().asString().startsWith("replayed the failure stored in");
        assertThat(g.report()).contains("failed (failure database, counterexample found after 1 case)");

        fixed.set(true);
        RunResult third = Engine.run(p, settings());
        assertThat(third.passed()).isTrue();
        assertThat(third.databaseNote()).get().asString().contains("passes now and was deleted");
        try (var files = Files.list(dir)) {
            assertThat(files.filter(x -> x.toString().endsWith(".token"))).isEmpty();
        }
    }

    @Test
    void aFixedSeedDoesNotUseTheDatabase() throws Exception {
        RunResult r = Engine.run(Scenarios::sumStaysUnder1000, settings().withSeed(3));
        assertThat(r.failure()).isPresent();
        try (var files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void aStoredCaseOfAnotherIdentityIsIgnored() {
        FailureDatabase db = new FailureDatabase(dir);
        db.save("DatabaseTest#sum", "policy A", ReplayToken.encode(new long[] {1, 1000, 0}, "policy B"));
        Property p = new Property() {
            @Override
            public void check(TestCase tc) {
                Scenarios.INT_LISTS.generate(tc);
            }

            @Override
            public String identity() {
                return "policy A";
            }
        };
        RunResult r = Engine.run(p, settings());
        assertThat(r.passed()).isTrue();
        assertThat(db.load("DatabaseTest#sum", "policy A")).isEmpty();
    }

    @Test
    void theLocalDatabaseIsOffInCi() {
        assertThat(Settings.defaults().withLocalDatabase(Map.of("CI", "true")).database()).isEmpty();
        assertThat(Settings.defaults().withLocalDatabase(Map.of()).database()).hasValue(Settings.LOCAL_DATABASE);
        assertThat(Settings.defaults().withLocalDatabase(Map.of("CI", "false")).database()).hasValue(Settings.LOCAL_DATABASE);
    }

    @Test
    void anUnwritableFolderDoesNotFailTheRun() throws Exception {
        Path file = Files.writeString(dir.resolve("not-a-folder"), "x");
        RunResult r = Engine.run(Scenarios::sumStaysUnder1000, settings().withDatabase(file));
        assertThat(r.failure()).isPresent();
    }
}
