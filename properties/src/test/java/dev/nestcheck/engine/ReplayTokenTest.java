package dev.nestcheck.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ReplayTokenTest {

    @Test
    void roundTripsRandomSequences() {
        SplittableRandom r = new SplittableRandom(7);
        for (int n = 0; n < 2000; n++) {
            long[] choices = new long[r.nextInt(60)];
            for (int i = 0; i < choices.length; i++) {
                switch (r.nextInt(4)) {
                    case 0: choices[i] = r.nextInt(2); break;
                    case 1: choices[i] = r.nextInt(1001); break;
                    case 2: choices[i] = r.nextLong() & Long.MAX_VALUE; break;
                    default: choices[i] = r.nextBoolean() ? Long.MAX_VALUE : 0xFFFF_FFFFL; break;
                }
            }
            String token = ReplayToken.encode(choices);
            assertThat(token).startsWith("nc1.").matches("nc1\\.[A-Za-z0-9_-]+");
            assertThat(ReplayToken.decode(token)).containsExactly(choices);
        }
    }

    @Test
    void smallCasesGiveShortTokens() {
        assertThat(ReplayToken.encode(new long[] {1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0})).hasSizeLessThan(30);
    }

    @Test
    void negativeChoicesCannotBeEncoded() {
        assertThatThrownBy(() -> ReplayToken.encode(new long[] {1, -1}))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "abc", "nc2.AwHoBwDRjv13", "nc1.", "nc1.Aw", "nc1.AwHo!wDRjv13", "nc1.AwHoBwDRjv1",
        "nc1.AwHoBwDRjv14", "nc1.BwHoBwDRjv13", "nc1.AAAAAAAAAAAAAAAA", "nc1.A"})
    void malformedTokensFailWithOneClearLine(String token) {
        assertThatThrownBy(() -> ReplayToken.decode(token))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Malformed nestcheck replay token: ")
                .hasMessageNotContaining("\n");
    }

    @Test
    void nullTokenIsMalformed() {
        assertThatThrownBy(() -> ReplayToken.decode(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("null");
    }

    @Test
    void everySingleCharacterChangeIsDetected() {
        String token = ReplayToken.encode(new long[] {1, 1000, 0, 7, 123456789L});
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        for (int i = 4; i < token.length(); i++) {
            for (char c : alphabet.toCharArray()) {
                if (c == token.charAt(i)) {
                    continue;
                }
                String mutated = token.substring(0, i) + c + token.substring(i + 1);
                long[] decoded;
                try {
                    decoded = ReplayToken.decode(mutated);
                } catch (IllegalArgumentException expected) {
                    continue;
                }
                // base64 padding bits in the last character may change without changing the bytes
                assertThat(decoded).as(mutated).containsExactly(1, 1000, 0, 7, 123456789L);
            }
        }
    }

    @Test
    void replayingAFailuresTokenReproducesItWithoutSearch() {
        RunResult original = Engine.run(Scenarios::boundedQueue, Settings.defaults().withSeed(99).withTries(1000));
        Failure f = original.failure().orElseThrow();

        RunResult replayed = Engine.run(Scenarios::boundedQueue,
                Settings.defaults().withSeed(12345).withReplay(f.replayToken()));
        Failure g = replayed.failure().orElseThrow();
        assertThat(replayed.casesRun()).isEqualTo(1);
        assertThat(g.choices()).containsExactly(f.choices());
        assertThat(g.notes()).isEqualTo(f.notes());
        assertThat(g.throwable()).hasMessage(f.throwable().getMessage()).isInstanceOf(f.throwable().getClass());
        assertThat(g.shrinkStats().attempts()).isZero();
        assertThat(g.report()).contains("replay").contains(f.replayToken());
    }

    @Test
    void replayingAPassingCaseRunsItOnceAndPasses() {
        String token = ReplayToken.encode(new long[] {1, 0, 5, 0});   // offer(5), then stop
        RunResult r = Engine.run(Scenarios::boundedQueue, Settings.defaults().withReplay(token));
        assertThat(r.passed()).isTrue();
        assertThat(r.casesRun()).isEqualTo(1);
        assertThat(r.statistics().cases("op", "offer")).isEqualTo(1);
    }

    @Test
    void replayingARejectedCaseIsReportedNotSilentlyPassed() {
        Property p = tc -> tc.assume(tc.bool());
        RunResult r = Engine.run(p, Settings.defaults().withReplay(ReplayToken.encode(new long[] {0})));
        assertThat(r.passed()).isFalse();
        assertThat(r.unsatisfied()).get().asString().contains("replay token");
    }

    /** A property with an identity, as the conformance suite gives one (policy and platform). */
    private static Property identified(String identity, Property p) {
        return new Property() {
            @Override
            public void check(TestCase tc) throws Exception {
                p.check(tc);
            }

            @Override
            public String identity() {
                return identity;
            }
        };
    }

    @Test
    void tokensOfTheFirstVersionStillReplay() {
        // made by the engine before tokens carried an identity
        assertThat(ReplayToken.decode("nc1.BAEABQD2acL9")).containsExactly(1, 0, 5, 0);
        assertThat(ReplayToken.decode("nc1.BQHoBwAHlZrvOlCacRo")).containsExactly(1, 1000, 0, 7, 123456789L);
        assertThat(ReplayToken.identity("nc1.BAEABQD2acL9")).isEmpty();
        assertThat(ReplayToken.encode(new long[] {1, 0, 5, 0})).isEqualTo("nc1.BAEABQD2acL9");
        RunResult r = Engine.run(identified("policy S2_PARENT, random small platforms", Scenarios::boundedQueue),
                Settings.defaults().withReplay("nc1.BAEABQD2acL9"));
        assertThat(r.passed()).isTrue();
        assertThat(r.casesRun()).isEqualTo(1);
    }

    @Test
    void aTokenCarriesItsPropertysIdentity() {
        String identity = "policy S2_PARENT, random small platforms";
        String token = ReplayToken.encode(new long[] {1, 0, 5, 0}, identity);
        assertThat(token).startsWith("nc1.").matches("nc1\\.[A-Za-z0-9_-]+");
        ReplayToken.Decoded d = ReplayToken.decodeWithIdentity(token);
        assertThat(d.choices()).containsExactly(1, 0, 5, 0);
        assertThat(d.identity()).isEqualTo(identity);
        assertThat(d.fits(identity)).isTrue();
        assertThat(d.fits(null)).isTrue();
        assertThat(d.fits("policy VIOMMU, random small platforms")).isFalse();
        assertThat(ReplayToken.isToken(token)).isTrue();
        assertThat(ReplayToken.isToken("trace.json")).isFalse();
    }

    @Test
    void aLongIdentityIsCutButStillCheckedInFull() {
        String a = "policy S2_PARENT, platform Platform[policy=S2_PARENT, smmus=[SmmuSpec[vmidBits=2]]]";
        String b = "policy S2_PARENT, platform Platform[policy=S2_PARENT, smmus=[SmmuSpec[vmidBits=3]]]";
        String token = ReplayToken.encode(new long[] {3}, a);
        ReplayToken.Decoded d = ReplayToken.decodeWithIdentity(token);
        assertThat(d.identity()).hasSize(43).endsWith("...").startsWith("policy S2_PARENT, platform Platform[");
        assertThat(d.fits(a)).isTrue();
        assertThat(d.fits(b)).isFalse();
        assertThat(ReplayToken.mismatch(token, b)).get().asString().contains("identity checksums").doesNotContain("\n");
    }

    @Test
    void aTokenReplayedUnderAnotherIdentityIsRefusedWithOneLineNamingBoth() {
        Property s2 = identified("policy S2_PARENT, random small platforms", Scenarios::boundedQueue);
        Property viommu = identified("policy VIOMMU, random small platforms", Scenarios::boundedQueue);
        Failure f = Engine.run(s2, Settings.defaults().withSeed(99).withTries(1000)).failure().orElseThrow();
        assertThat(ReplayToken.identity(f.replayToken())).hasValue("policy S2_PARENT, random small platforms");

        RunResult wrong = Engine.run(viommu, Settings.defaults().withReplay(f.replayToken()).withName("replay"));
        assertThat(wrong.passed()).isFalse();
        assertThat(wrong.failure()).isEmpty();
        assertThat(wrong.casesRun()).isZero();
        assertThat(wrong.unsatisfied()).get().asString()
                .isEqualTo("replay refused: This replay token was made by \"policy S2_PARENT, random small platforms\","
                        + " not by \"policy VIOMMU, random small platforms\": replay it with the settings it names.");
        assertThat(wrong.message()).doesNotContain("\n");

        RunResult right = Engine.run(s2, Settings.defaults().withReplay(f.replayToken()));
        assertThat(right.failure()).get().extracting(Failure::notes).isEqualTo(f.notes());
        RunResult anonymous = Engine.run(Scenarios::boundedQueue, Settings.defaults().withReplay(f.replayToken()));
        assertThat(anonymous.failure()).isPresent();
    }
}
