package dev.nestcheck.impl;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ObjectIdAllocatorTest {

    @Test
    void idsStartAtOneAndTakeTheLowestFree() {
        ObjectIdAllocator a = new ObjectIdAllocator();
        assertThat(a.peek()).isEqualTo(1);
        for (int i = 1; i <= 200; i++) assertThat(a.allocate()).isEqualTo(i);
        a.release(130);
        a.release(64);
        a.release(3);
        assertThat(a.peek()).isEqualTo(3);
        assertThat(a.allocate()).isEqualTo(3);
        assertThat(a.allocate()).isEqualTo(64);
        assertThat(a.allocate()).isEqualTo(130);
        assertThat(a.allocate()).isEqualTo(201);
    }

    @Test
    void peekConsumesNothing() {
        ObjectIdAllocator a = new ObjectIdAllocator();
        a.allocate();
        assertThat(a.peek()).isEqualTo(2);
        assertThat(a.peek()).isEqualTo(2);
        assertThat(a.isTaken(2)).isFalse();
        assertThat(a.allocate()).isEqualTo(2);
    }

    @Test
    void aTombstoneIsAnIdThatIsNeverReleased() {
        // Context keeps a tombstoned ID taken (OBJ-5): the allocator skips it.
        Context c = new Context(1, 1);
        IommufdObject a = new IommufdObject(c.nextId(), dev.nestcheck.spec.ObjectKind.IOAS, c, -1, null);
        c.add(a);
        IommufdObject b = new IommufdObject(c.nextId(), dev.nestcheck.spec.ObjectKind.IOAS, c, -1, null);
        c.add(b);
        c.remove(a, true);
        c.remove(b, false);
        assertThat(c.tombstones.get(1)).isTrue();
        assertThat(c.ids.isTaken(1)).isTrue();
        assertThat(c.get(1)).isNull();
        assertThat(c.nextId()).isEqualTo(2);
        assertThat(c.nextId()).isEqualTo(3);
        assertThat(c.snapshot().tombstones()).containsExactly(1);
        assertThat(c.snapshot().objects()).isEmpty();
    }

    @Test
    void zeroIsNeverAnId() {
        ObjectIdAllocator a = new ObjectIdAllocator();
        assertThat(a.isTaken(0)).isFalse();
        assertThatThrownBy(() -> a.release(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
