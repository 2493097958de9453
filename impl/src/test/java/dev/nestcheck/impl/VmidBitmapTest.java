package dev.nestcheck.impl;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

class VmidBitmapTest {

    /** A VMID pool as SmmuState builds it: [0, 2^bits), 0 reserved. */
    private static VmidBitmap pool(int bits) {
        VmidBitmap b = new VmidBitmap(1 << bits);
        b.set(0);
        return b;
    }

    @Test
    void allocatesLowestFreeAndNeverZero() {
        VmidBitmap b = pool(8);
        assertThat(b.allocateFrom(1)).isEqualTo(1);
        assertThat(b.allocateFrom(1)).isEqualTo(2);
        assertThat(b.allocateFrom(1)).isEqualTo(3);
        b.clear(2);
        assertThat(b.allocateFrom(1)).isEqualTo(2);
        assertThat(b.allocateFrom(0)).isEqualTo(4); // 0 stays reserved even when searching from 0
        assertThat(b.count()).isEqualTo(5);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 6, 7, 8, 12, 16})
    void exhaustionAtEveryWidth(int bits) {
        VmidBitmap b = pool(bits);
        int max = (1 << bits) - 1;
        for (int v = 1; v <= max; v++) assertThat(b.allocateFrom(1)).isEqualTo(v);
        assertThat(b.allocateFrom(1)).isEqualTo(-1);
        assertThat(b.allocateFrom(0)).isEqualTo(-1);
        assertThat(b.count()).isEqualTo(max + 1);
        b.clear(max);
        assertThat(b.allocateFrom(1)).isEqualTo(max);
        b.clear(1);
        assertThat(b.allocateFrom(1)).isEqualTo(1);
        assertThat(b.allocateFrom(1)).isEqualTo(-1);
    }

    @ParameterizedTest
    @ValueSource(ints = {62, 63, 64, 65, 127, 128, 129, 65535})
    void wordBoundaries(int v) {
        VmidBitmap b = pool(16);
        for (int i = 1; i < v; i++) b.set(i);
        assertThat(b.nextClear(0)).isEqualTo(v);
        assertThat(b.allocateFrom(1)).isEqualTo(v);
        assertThat(b.get(v)).isTrue();
        assertThat(b.nextClear(0)).isEqualTo(v == 65535 ? -1 : v + 1);
        b.clear(v);
        assertThat(b.get(v)).isFalse();
        assertThat(b.get(v - 1)).isTrue();
        assertThat(b.allocateFrom(1)).isEqualTo(v);
    }

    @Test
    void sizeNotAMultipleOf64IgnoresTheTail() {
        VmidBitmap b = new VmidBitmap(65); // values 0..64
        for (int v = 0; v <= 64; v++) assertThat(b.allocateFrom(0)).isEqualTo(v);
        assertThat(b.allocateFrom(0)).isEqualTo(-1);
        List<Integer> seen = new ArrayList<>();
        b.forEachSet(seen::add);
        assertThat(seen).hasSize(65).startsWith(0, 1).endsWith(63, 64);
        assertThat(b.get(65)).isFalse();
        assertThatThrownBy(() -> b.set(65)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void largestSixteenBitVmid() {
        VmidBitmap b = pool(16);
        assertThat(b.set(65535)).isTrue();
        assertThat(b.set(65535)).isFalse();
        assertThat(b.get(65536)).isFalse();
        List<Integer> seen = new ArrayList<>();
        b.forEachSet(seen::add);
        assertThat(seen).containsExactly(0, 65535);
        assertThat(b.clear(65535)).isTrue();
        assertThat(b.clear(65535)).isFalse();
    }

    @Test
    void explicitSetsDoNotConfuseTheFullWordHint() {
        VmidBitmap b = pool(8);
        for (int v = 1; v < 64; v++) b.set(v); // word 0 full by explicit sets
        b.set(65);
        assertThat(b.allocateFrom(1)).isEqualTo(64);
        assertThat(b.allocateFrom(1)).isEqualTo(66);
        b.clear(5);
        assertThat(b.allocateFrom(1)).isEqualTo(5);
        assertThat(b.allocateFrom(100)).isEqualTo(100);
        assertThat(b.allocateFrom(1)).isEqualTo(67);
    }

    @Test
    void agreesWithABitSetUnderRandomUse() {
        Random r = new Random(42);
        for (int bits : new int[] {3, 7, 10, 16}) {
            int size = 1 << bits;
            VmidBitmap b = new VmidBitmap(size);
            java.util.BitSet ref = new java.util.BitSet(size);
            for (int step = 0; step < 50_000; step++) {
                int v = r.nextInt(size);
                String where = "bits " + bits + " step " + step + " v " + v;
                switch (r.nextInt(4)) {
                    case 0: {
                        boolean was = ref.get(v);
                        ref.set(v);
                        if (b.set(v) == was) fail(where + ": set");
                        break;
                    }
                    case 1: {
                        boolean was = ref.get(v);
                        ref.clear(v);
                        if (b.clear(v) != was) fail(where + ": clear");
                        break;
                    }
                    default: {
                        int from = r.nextInt(3) == 0 ? v : 0;
                        int expect = ref.nextClearBit(from);
                        int got = b.allocateFrom(from);
                        if (got != (expect >= size ? -1 : expect)) fail(where + ": allocate got " + got + " expected " + expect);
                        if (expect < size) ref.set(expect);
                    }
                }
                if (b.count() != ref.cardinality()) fail(where + ": count");
                if (b.get(v) != ref.get(v)) fail(where + ": get");
            }
        }
    }

    @Test
    void aOneValueBitmapHoldsExactlyValueZero() {
        assertThatThrownBy(() -> new VmidBitmap(0)).isInstanceOf(IllegalArgumentException.class);
        VmidBitmap b = new VmidBitmap(1);
        assertThat(b.get(0)).isFalse();
        assertThat(b.nextClear(0)).isZero();
        assertThat(b.allocateFrom(0)).isZero();
        assertThat(b.get(0)).isTrue();
        assertThat(b.allocateFrom(0)).isEqualTo(-1);
        assertThat(b.count()).isEqualTo(1);
        assertThatThrownBy(() -> b.set(1)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @ParameterizedTest
    @ValueSource(ints = {64, 65, 128, 200})
    void aSearchFromTheEndOrBeyondFindsNothing(int size) {
        VmidBitmap b = new VmidBitmap(size);
        assertThat(b.nextClear(size - 1)).isEqualTo(size - 1);
        assertThat(b.nextClear(size)).isEqualTo(-1);
        assertThat(b.nextClear(size + 1)).isEqualTo(-1);
        assertThat(b.allocateFrom(size)).isEqualTo(-1);
        assertThat(b.count()).isZero();
        assertThat(b.nextClear(-5)).as("a negative start searches from 0").isZero();
    }

    @Test
    void getAndClearOnlyTouchValuesInRange() {
        VmidBitmap b = pool(6); // [0, 64), 0 set
        assertThat(b.get(0)).isTrue();
        assertThat(b.get(-1)).isFalse();
        assertThat(b.get(64)).isFalse();
        VmidBitmap odd = new VmidBitmap(65); // the last word's bits 1..63 lie beyond the end
        assertThat(odd.get(65)).isFalse();
        assertThatThrownBy(() -> odd.clear(65)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> odd.clear(-1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(odd.count()).isZero();
        // The values beyond the end stay unusable: the pool fills exactly [0, 65).
        for (int v = 0; v < 65; v++) assertThat(odd.allocateFrom(0)).isEqualTo(v);
        assertThat(odd.allocateFrom(0)).isEqualTo(-1);
    }

    /** The lowest word with a clear value in [0, size), computed the slow way. */
    private static int lowestNonFullWord(VmidBitmap b, int size) {
        for (int v = 0; v < size; v++) if (!b.get(v)) return v >>> 6;
        return (size + 63) >>> 6;
    }

    @Test
    void theFullWordHintIsExactlyTheLowestNonFullWord() {
        Random r = new Random(7);
        for (int size : new int[] {1, 64, 65, 200, 1024}) {
            VmidBitmap b = new VmidBitmap(size);
            assertThat(b.firstNonFullWord()).isZero();
            for (int step = 0; step < 4_000; step++) {
                int v = r.nextInt(size);
                switch (r.nextInt(3)) {
                    case 0 -> b.set(v);
                    case 1 -> b.clear(v);
                    default -> b.allocateFrom(r.nextBoolean() ? 0 : v);
                }
                if (b.firstNonFullWord() != lowestNonFullWord(b, size))
                    fail("size " + size + " step " + step + ": hint " + b.firstNonFullWord()
                            + ", lowest non-full word " + lowestNonFullWord(b, size));
            }
            // Filled word by word in order, the hint moves past each word as it fills.
            VmidBitmap seq = new VmidBitmap(size);
            for (int v = 0; v < size; v++) {
                seq.set(v);
                assertThat(seq.firstNonFullWord()).isEqualTo(lowestNonFullWord(seq, size));
            }
        }
    }
}
