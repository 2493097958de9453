package dev.nestcheck.concurrency.mutants;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.commons.ClassRemapper;
import org.objectweb.asm.commons.Remapper;

import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Defines renamed copies of some of the bundled classes, with one bytecode change applied (as PIT applies
 * its mutants), so that a mutant runs beside the real classes in one JVM without any hook in the
 * implementation's source: {@code dev.nestcheck.impl.kvm.GenerationalVmidAllocator} is copied as
 * {@code dev.nestcheck.concurrency.kvm.GenerationalVmidAllocator__CAS_NEGATED}, and every copied class
 * refers to the copies. The copies are defined in the application class loader (through
 * {@link MethodHandles.Lookup#defineClass}), in the package of a host class of this module: Lincheck
 * finds classes by name in that loader, so a copy in a loader of its own would not be model-checked; and
 * outside {@code dev.nestcheck.impl}, so that PIT, which mutates and instruments that package, leaves the
 * copies alone.
 */
final class MutantClasses {
    private MutantClasses() {
    }

    /**
     * Copies {@code root} and every class it reaches that {@code copied} accepts, renamed with
     * {@code "__" + tag}, the classes whose internal name starts with {@code mutatedPrefix} passed
     * through {@code mutation}; returns the copy of {@code root}.
     */
    static Class<?> define(Class<?> root, Class<?> host, Predicate<String> copied, String tag, String mutatedPrefix,
                           Function<ClassVisitor, ClassVisitor> mutation) {
        String suffix = "__" + tag;
        String pkg = host.getPackageName().replace('.', '/') + "/";
        Remapper remapper = new Remapper() {
            @Override
            public String map(String internalName) {
                return copied.test(internalName) ? pkg + internalName.substring(internalName.lastIndexOf('/') + 1) + suffix : internalName;
            }
        };
        Map<String, byte[]> copies = new LinkedHashMap<>();
        ArrayDeque<String> queue = new ArrayDeque<>();
        queue.add(root.getName().replace('.', '/'));
        while (!queue.isEmpty()) {
            String name = queue.poll();
            if (copies.containsKey(name)) continue;
            byte[] original = read(root, name);
            List<String> reached = new ArrayList<>();
            Remapper collecting = new Remapper() {
                @Override
                public String map(String internalName) {
                    if (copied.test(internalName)) reached.add(internalName);
                    return remapper.map(internalName);
                }
            };
            ClassReader reader = new ClassReader(original);
            ClassWriter writer = new ClassWriter(0);
            ClassVisitor renaming = new ClassRemapper(writer, collecting);
            reader.accept(name.startsWith(mutatedPrefix) ? mutation.apply(renaming) : renaming, 0);
            copies.put(name, writer.toByteArray());
            queue.addAll(reached);
        }
        // supertypes first: a class whose superclass copy is not defined yet waits for the next round
        Map<String, Class<?>> defined = new LinkedHashMap<>();
        while (defined.size() < copies.size()) {
            int before = defined.size();
            for (Map.Entry<String, byte[]> e : copies.entrySet()) {
                if (defined.containsKey(e.getKey())) continue;
                try {
                    MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(host, MethodHandles.lookup());
                    defined.put(e.getKey(), lookup.defineClass(e.getValue()));
                } catch (NoClassDefFoundError later) {
                    // its superclass or an interface is a copy not defined yet
                } catch (ReflectiveOperationException | LinkageError ex) {
                    throw new IllegalStateException("cannot define the mutant copy of " + e.getKey() + ": " + ex, ex);
                }
            }
            if (defined.size() == before) throw new IllegalStateException("cannot define the mutant copies " + copies.keySet());
        }
        return defined.get(root.getName().replace('.', '/'));
    }

    private static byte[] read(Class<?> root, String internalName) {
        try (InputStream in = root.getClassLoader().getResourceAsStream(internalName + ".class")) {
            if (in == null) throw new IllegalStateException("class file of " + internalName + " not found");
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + internalName + ": " + e, e);
        }
    }
}
