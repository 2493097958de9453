package dev.nestcheck.model;

import dev.nestcheck.spec.Op;
import dev.nestcheck.spec.Outcome;
import dev.nestcheck.spec.Policy;
import dev.nestcheck.spec.Snapshot;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.nestcheck.spec.Errno.EBUSY;
import static dev.nestcheck.spec.Errno.EEXIST;
import static dev.nestcheck.spec.Errno.EINVAL;
import static dev.nestcheck.spec.Errno.ENOENT;
import static org.assertj.core.api.Assertions.assertThat;

/** MAP-1..MAP-3 and OBS-4's IOAS areas (io_pagetable.c, ioas.c). */
class MapRulesTest {
    static final long SPACE = 1L << 20;

    Bench b;
    int c, dev, ioas;

    @BeforeEach
    void setUp() {
        b = new Bench(Policy.S2_PARENT);
        c = b.open();
        dev = b.bind(c, 0);
        ioas = b.ioas(c);
    }

    List<Snapshot.Area> areas(int id) {
        return b.snap().contexts().get(c).objects().get(id).areas();
    }

    @Test
    void map1_fixedIovaMakesOneAreaAndIssuesNothing() {
        assertThat(areas(ioas)).as("IOASes start empty (MAP-3)").isEmpty();
        Outcome o = b.run(new Op.IoasMap(c, ioas, 10, 3));
        assertThat(o.isOk()).isTrue();
        assertThat(o.value()).isZero();
        assertThat(o.rule()).isEqualTo("MAP-1");
        assertThat(o.issued()).isEmpty();
        b.map(c, ioas, 13, 2); // adjacent runs stay two areas
        b.map(c, ioas, 0, 1);
        assertThat(areas(ioas)).containsExactly(new Snapshot.Area(0, 1), new Snapshot.Area(10, 3), new Snapshot.Area(13, 2));
        b.map(c, ioas, SPACE - 1, 1);
    }

    @Test
    void map1_checksInOrder() {
        b.fails(new Op.IoasMap(c, 99, 0, 0), ENOENT, "MAP-1");
        b.fails(new Op.IoasMap(c, dev, 0, 1), ENOENT, "MAP-1");
        b.fails(new Op.IoasMap(c, ioas, 0, 0), EINVAL, "MAP-1");
        b.fails(new Op.IoasMap(c, ioas, SPACE, 1), EINVAL, "MAP-1");
        b.fails(new Op.IoasMap(c, ioas, SPACE - 1, 2), EINVAL, "MAP-1");
        b.fails(new Op.IoasMap(c, ioas, 0, SPACE + 1), EINVAL, "MAP-1");
        b.fails(new Op.IoasMap(c, ioas, 5, -1L), EINVAL, "MAP-1"); // wraps around the u64 space
        b.fails(new Op.IoasMap(c, ioas, -1L, 1), EINVAL, "MAP-1");
        b.map(c, ioas, 0, SPACE);
        b.fails(new Op.IoasMap(c, ioas, 7, 1), EEXIST, "MAP-1");
        b.fails(new Op.IoasMap(c, ioas, SPACE, 0), EINVAL, "MAP-1");
    }

    @Test
    void map1_anyOverlapIsEexist() {
        b.map(c, ioas, 10, 5);
        for (long[] run : new long[][] {{10, 5}, {9, 2}, {14, 1}, {0, 100}, {12, 1}})
            b.fails(new Op.IoasMap(c, ioas, run[0], run[1]), EEXIST, "MAP-1");
        b.map(c, ioas, 15, 1);
        b.map(c, ioas, 9, 1);
    }

    @Test
    void map2_unmapsWholeAreasAndReturnsThePages() {
        b.map(c, ioas, 10, 3);
        b.map(c, ioas, 13, 2);
        b.map(c, ioas, 20, 1);
        Outcome o = b.run(new Op.IoasUnmap(c, ioas, 10, 5));
        assertThat(o.isOk()).isTrue();
        assertThat(o.value()).isEqualTo(5);
        assertThat(o.rule()).isEqualTo("MAP-2");
        assertThat(areas(ioas)).containsExactly(new Snapshot.Area(20, 1));
        assertThat(b.ok(new Op.IoasUnmap(c, ioas, 0, SPACE * 4))).as("no IOVA-space check").isEqualTo(1);
    }

    @Test
    void map2_unmappingAnAreaBetweenOthersLeavesThem() {
        b.map(c, ioas, 0, 1);
        b.map(c, ioas, 1, 1);
        b.map(c, ioas, 2, 2);
        assertThat(b.ok(new Op.IoasUnmap(c, ioas, 1, 1))).isEqualTo(1);
        assertThat(areas(ioas)).containsExactly(new Snapshot.Area(0, 1), new Snapshot.Area(2, 2));
    }

    @Test
    void map2_checks() {
        b.fails(new Op.IoasUnmap(c, 99, 0, 1), ENOENT, "MAP-2");
        b.fails(new Op.IoasUnmap(c, dev, 0, 1), ENOENT, "MAP-2");
        b.fails(new Op.IoasUnmap(c, ioas, 0, 0), EINVAL, "MAP-2");
        b.fails(new Op.IoasUnmap(c, ioas, 2, -1L), EINVAL, "MAP-2"); // wraps around
        b.fails(new Op.IoasUnmap(c, ioas, 0, 10), ENOENT, "MAP-2");  // nothing mapped there
        b.map(c, ioas, 10, 3);
        b.fails(new Op.IoasUnmap(c, ioas, 0, 10), ENOENT, "MAP-2");
        b.fails(new Op.IoasUnmap(c, ioas, SPACE, 10), ENOENT, "MAP-2");
        assertThat(b.ok(new Op.IoasUnmap(c, ioas, 1, -1L))).as("1 + 2^64 - 2 does not wrap").isEqualTo(3);
    }

    /** iopt_unmap_iova_range: areas below the cut one stay unmapped; the errno carries no count. */
    @Test
    void map2_anAreaCutByTheRangeStopsTheUnmap() {
        b.map(c, ioas, 10, 2);
        b.map(c, ioas, 12, 4);
        b.map(c, ioas, 20, 2);
        Snapshot before = b.snap();
        b.failsIssuing(new Op.IoasUnmap(c, ioas, 10, 4), ENOENT, "MAP-2");
        assertThat(areas(ioas)).containsExactly(new Snapshot.Area(12, 4), new Snapshot.Area(20, 2));
        assertThat(b.snap()).isNotEqualTo(before);
        b.fails(new Op.IoasUnmap(c, ioas, 11, 3), ENOENT, "MAP-2");
        b.fails(new Op.IoasUnmap(c, ioas, 13, 20), ENOENT, "MAP-2");
        assertThat(areas(ioas)).hasSize(2);
    }

    /** ioas.c: iova 0 with length U64_MAX unmaps everything and succeeds even when nothing is mapped. */
    @Test
    void map2_unmapAll() {
        assertThat(b.ok(new Op.IoasUnmap(c, ioas, 0, Op.IoasUnmap.ALL))).isZero();
        b.map(c, ioas, 3, 4);
        b.map(c, ioas, SPACE - 2, 2);
        assertThat(b.ok(new Op.IoasUnmap(c, ioas, 0, Op.IoasUnmap.ALL))).isEqualTo(6);
        assertThat(areas(ioas)).isEmpty();
    }

    @Test
    void map1_everyPagingDomainOfTheIoasMapsTheSamePages() {
        int parent = b.parent(c, dev, ioas);
        int s1 = (int) b.ok(Bench.paging(c, dev, ioas, 0));
        b.map(c, ioas, 4, 4);
        assertThat(b.snap().contexts().get(c).objects().get(parent).ref()).isEqualTo(ioas);
        assertThat(b.snap().contexts().get(c).objects().get(s1).ref()).isEqualTo(ioas);
        assertThat(areas(ioas)).containsExactly(new Snapshot.Area(4, 4));
    }

    @Test
    void map3_anIoasWithMappingsIsDestroyedWhenNothingReferencesIt() {
        b.map(c, ioas, 0, 8);
        int parent = b.parent(c, dev, ioas);
        b.fails(new Op.Destroy(c, ioas), EBUSY, "OBJ-3");
        b.ok(new Op.Destroy(c, parent));
        Outcome o = b.run(new Op.Destroy(c, ioas));
        assertThat(o.isOk()).isTrue();
        assertThat(o.issued()).isEmpty();
        int again = b.ioas(c);
        assertThat(again).isEqualTo(ioas);
        assertThat(areas(again)).as("a new IOAS starts empty").isEmpty();
    }
}
