package dev.nestcheck.engine;

import dev.nestcheck.conformance.PlatformGenerator;
import dev.nestcheck.spec.DeviceSpec;
import dev.nestcheck.spec.Platform;
import dev.nestcheck.spec.Policy;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A small platform's SMMUs and devices are spans, each list a span that opens with its length: the
 * shrinker's span deletion (which also lowers the enclosing span's first choice) then removes the last
 * SMMU or device in one attempt, leaving the steps after the platform where they were. Without the
 * spans only block deletion could, one size and position at a time.
 */
class PlatformSpansTest {

    /** Replays {@code choices}, drawing a small platform only. */
    private static TestCase draw(long[] choices) {
        TestCase tc = TestCase.replaying(choices, Settings.defaults(), false);
        PlatformGenerator.drawWithWidth(tc, Policy.S2_PARENT, 0);
        return tc;
    }

    private static Platform platform(long[] choices) {
        return PlatformGenerator.drawWithWidth(TestCase.replaying(choices, Settings.defaults(), false),
                Policy.S2_PARENT, 0).platform();
    }

    /** The top-level spans that have child spans: the two lists, in drawing order. */
    private static List<Integer> lists(TestCase.Spans spans) {
        List<Integer> out = new ArrayList<>();
        for (int k = 0; k < spans.count(); k++) {
            if (spans.parent()[k] >= 0) continue;
            for (int c = k + 1; c < spans.count(); c++)
                if (spans.parent()[c] == k) {
                    out.add(k);
                    break;
                }
        }
        return out;
    }

    private static int lastChild(TestCase.Spans spans, int list) {
        int last = -1;
        for (int c = 0; c < spans.count(); c++)
            if (spans.parent()[c] == list) last = c;
        return last;
    }

    /** The choices with span {@code child} deleted and the first choice of span {@code list} lowered by one. */
    private static long[] deleteLowered(long[] choices, TestCase.Spans spans, int list, int child) {
        int start = spans.start()[child], end = spans.end()[child];
        long[] out = new long[choices.length - (end - start)];
        System.arraycopy(choices, 0, out, 0, start);
        System.arraycopy(choices, end, out, start, choices.length - end);
        out[spans.start()[list]]--;
        return out;
    }

    @Test
    void theLastSmmuOrDeviceGoesWithTheListsLengthInOneEdit() {
        SplittableRandom random = new SplittableRandom(20261204);
        int checked = 0;
        for (int attempt = 0; attempt < 2_000 && checked < 50; attempt++) {
            long[] choices = new long[120];
            for (int i = 0; i < choices.length; i++) choices[i] = random.nextInt(4);
            TestCase tc = draw(choices);
            TestCase.Spans spans = tc.spans();
            Platform before = platform(choices);
            if (before.smmus().size() < 2 || before.devices().size() < 3) continue;
            checked++;
            List<Integer> lists = lists(spans);
            assertThat(lists).as("the SMMU list and the device list").hasSize(2);
            int smmuList = lists.get(0), deviceList = lists.get(1);

            Platform fewerDevices = platform(deleteLowered(choices, spans, deviceList, lastChild(spans, deviceList)));
            assertThat(fewerDevices.smmus()).isEqualTo(before.smmus());
            assertThat(fewerDevices.devices()).isEqualTo(before.devices().subList(0, before.devices().size() - 1));
            assertThat(fewerDevices.kvm()).isEqualTo(before.kvm());

            Platform fewerSmmus = platform(deleteLowered(choices, spans, smmuList, lastChild(spans, smmuList)));
            assertThat(fewerSmmus.smmus()).isEqualTo(before.smmus().subList(0, before.smmus().size() - 1));
            assertThat(fewerSmmus.devices()).hasSameSizeAs(before.devices());
            for (int d = 0; d < before.devices().size(); d++) {
                DeviceSpec was = before.devices().get(d), now = fewerSmmus.devices().get(d);
                assertThat(now.smmu()).as("device %d of %s", d, Arrays.toString(choices)).isZero();   // out of range reads as 0
                assertThat(now.streamId()).isEqualTo(was.streamId());
            }
        }
        assertThat(checked).as("platforms with 2 SMMUs and 3 or 4 devices among the drawn ones").isEqualTo(50);
    }
}
