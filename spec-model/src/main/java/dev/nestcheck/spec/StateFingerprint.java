package dev.nestcheck.spec;

import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A canonical text of everything an object holds, for {@link NestingImplementation#stateFingerprint()}:
 * every instance field of the object and of what it refers to, followed through collections, maps,
 * arrays and records; {@code transient} fields are left out (mark caches and per-operation scratch
 * so). Two objects with equal texts hold equal state, hidden cursors included (the next
 * ID to hand out, an allocator's generation and reservations), which is what exhaustive exploration
 * needs to prune a sequence safely. A deterministic implementation that keeps its whole state in Java
 * fields can return {@code StateFingerprint.of(this)}.
 *
 * <p>Maps and sets are written in a canonical order (by the text of their keys or elements), so two
 * hash maps with the same content and another insertion history are equal. Left out: static and transient fields,
 * locks, threads, lambdas and other synthetic classes (a lambda that captures changing state must not
 * be part of the state). A JDK object of a kind not listed here is written with its {@code toString()}:
 * if that is an identity, two states are never equal, which only costs pruning, never soundness.
 */
public final class StateFingerprint {
    private static final Map<Class<?>, List<Field>> FIELDS = new ConcurrentHashMap<>();

    private StringBuilder out = new StringBuilder(256);
    /** The objects on the path from the root to the one being written, with their depth (cycles). */
    private final IdentityHashMap<Object, Integer> path = new IdentityHashMap<>();

    private StateFingerprint() {
    }

    /** The canonical text of {@code root}'s state. */
    public static String of(Object root) {
        StateFingerprint f = new StateFingerprint();
        f.write(root);
        return f.out.toString();
    }

    private void write(Object o) {
        if (o == null) {
            out.append("null");
            return;
        }
        Class<?> c = o.getClass();
        if (o instanceof String) {
            out.append('"').append(o).append('"');
        } else if (o instanceof Number || o instanceof Boolean || o instanceof Character || o instanceof Enum) {
            out.append(o);
        } else if (skipped(c)) {
            out.append('-');
        } else if (c.isArray()) {
            if (c.getComponentType().isPrimitive()) {
                out.append('[');
                for (int i = 0, n = Array.getLength(o); i < n; i++) out.append(i == 0 ? "" : ",").append(Array.get(o, i));
                out.append(']');
            } else if (enter(o)) {
                out.append('[');
                Object[] a = (Object[]) o;
                for (int i = 0; i < a.length; i++) {
                    if (i > 0) out.append(',');
                    write(a[i]);
                }
                out.append(']');
                path.remove(o);
            }
        } else if (o instanceof Map) {
            if (!enter(o)) return;
            List<String> entries = new ArrayList<>();
            for (Map.Entry<?, ?> e : ((Map<?, ?>) o).entrySet()) entries.add(apart(e.getKey()) + "=" + apart(e.getValue()));
            Collections.sort(entries);
            out.append('{').append(String.join(",", entries)).append('}');
            path.remove(o);
        } else if (o instanceof Set) {
            if (!enter(o)) return;
            List<String> items = new ArrayList<>();
            for (Object e : (Set<?>) o) items.add(apart(e));
            Collections.sort(items);
            out.append('{').append(String.join(",", items)).append('}');
            path.remove(o);
        } else if (o instanceof Collection) {
            if (!enter(o)) return;
            out.append('[');
            boolean first = true;
            for (Object e : (Collection<?>) o) {
                if (!first) out.append(',');
                first = false;
                write(e);
            }
            out.append(']');
            path.remove(o);
        } else if (o instanceof Optional) {
            out.append("opt(");
            write(((Optional<?>) o).orElse(null));
            out.append(')');
        } else if (o instanceof BitSet) {
            out.append(o);
        } else if (o instanceof java.util.concurrent.atomic.AtomicInteger
                || o instanceof java.util.concurrent.atomic.AtomicLong
                || o instanceof java.util.concurrent.atomic.AtomicBoolean
                || o instanceof java.util.concurrent.atomic.AtomicIntegerArray
                || o instanceof java.util.concurrent.atomic.AtomicLongArray) {
            out.append(o);
        } else if (o instanceof java.util.concurrent.atomic.AtomicReference) {
            write(((java.util.concurrent.atomic.AtomicReference<?>) o).get());
        } else if (jdk(c)) {
            out.append(o);
        } else if (enter(o)) {
            out.append(c.getSimpleName()).append('(');
            boolean first = true;
            for (Field f : fields(c)) {
                if (!first) out.append(',');
                first = false;
                try {
                    write(f.get(o));
                } catch (IllegalAccessException e) {
                    out.append('?');
                }
            }
            out.append(')');
            path.remove(o);
        }
    }

    /** The text of one element of a map or set, written apart so that the elements can be sorted. */
    private String apart(Object o) {
        StringBuilder outer = out;
        out = new StringBuilder();
        write(o);
        String text = out.toString();
        out = outer;
        return text;
    }

    /**
     * Enters an object, or writes a back reference (its depth on the path) and returns false when it is
     * one of the objects being written around it (a cycle). An object shared by two paths is written on
     * each: texts stay canonical whatever order a map iterates in.
     */
    private boolean enter(Object o) {
        Integer at = path.get(o);
        if (at != null) {
            out.append('@').append(at);
            return false;
        }
        path.put(o, path.size());
        return true;
    }

    private static boolean skipped(Class<?> c) {
        String n = c.getName();
        return c.isSynthetic() || n.contains("$$Lambda") || n.startsWith("java.util.concurrent.locks.")
                || Thread.class.isAssignableFrom(c) || ThreadLocal.class.isAssignableFrom(c) || c == Class.class
                || c == Object.class;
    }

    private static boolean jdk(Class<?> c) {
        String n = c.getName();
        return n.startsWith("java.") || n.startsWith("javax.") || n.startsWith("jdk.") || n.startsWith("sun.");
    }

    private static List<Field> fields(Class<?> c) {
        return FIELDS.computeIfAbsent(c, k -> {
            List<Field> fs = new ArrayList<>();
            for (Class<?> x = k; x != null && x != Object.class; x = x.getSuperclass()) {
                for (Field f : x.getDeclaredFields()) {
                    if (Modifier.isStatic(f.getModifiers()) || Modifier.isTransient(f.getModifiers()) || f.isSynthetic()) continue;
                    f.setAccessible(true);
                    fs.add(f);
                }
            }
            return fs;
        });
    }
}
