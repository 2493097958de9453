package dev.nestcheck.concurrency.mutants;

import dev.nestcheck.concurrency.kvm.GenerationalAllocatorAdapter;
import dev.nestcheck.concurrency.kvm.KvmAllocatorUnderTest;
import dev.nestcheck.spec.NestingImplementation;
import dev.nestcheck.spec.Platform;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

import java.lang.reflect.InvocationTargetException;


/**
 * The bundled concurrency mutants: the bundled implementation with one change that only a concurrent run
 * can tell apart (every sequential test passes on each). Built by rewriting bytecode at load time
 * ({@link MutantLoader}), the way PIT builds its mutants, so the implementation carries no hooks.
 */
public enum ConcurrencyMutant {
    /**
     * PIT's survivor: {@code oldActive != 0} negated in the fast path of {@code load}. After a rollover
     * zeroed the CPU's active word, the fast path installs a VMID of the old generation, whose index
     * the new generation may have given to another VM (G-6).
     */
    ACTIVE_CHECK_NEGATED("GenerationalVmidAllocator.load: the fast path's `oldActive != 0` negated (a PIT survivor)", Target.ALLOCATOR),
    /**
     * PIT's survivor: the compare-and-set's result negated. A failed CAS (a rollover came in between)
     * returns as if it succeeded, with the stale VMID (G-6); a successful one also takes the slow path.
     */
    CAS_NEGATED("GenerationalVmidAllocator.load: the fast path's compareAndSet result negated (a PIT survivor)", Target.ALLOCATOR),
    /** The fast path's compare-and-set as a plain read, compare and write: it overwrites a rollover's 0. */
    GET_THEN_SET("GenerationalVmidAllocator.load: the fast path's compareAndSet replaced by get-then-set", Target.ALLOCATOR),
    /** The rollover lets go of the allocator lock while it flushes (flushContext runs unlocked). */
    ROLLOVER_WITHOUT_LOCK("GenerationalVmidAllocator.flushContext: the rollover releases the allocator lock while it flushes", Target.ALLOCATOR),
    /** OptimizedNesting with its lock removed: execute and snapshot run unsynchronized. */
    NESTING_WITHOUT_LOCK("OptimizedNesting: execute and snapshot without the instance lock (monitors removed)", Target.NESTING);

    /** What a mutant replaces. */
    public enum Target { ALLOCATOR, NESTING }

    /** OptimizedNesting, named once. */
    private static final class OptimizedNestingRoot {
        static final Class<?> CLASS = dev.nestcheck.impl.OptimizedNesting.class;
    }

    private static final String ALLOCATOR = "dev/nestcheck/impl/kvm/GenerationalVmidAllocator";
    private static final String NESTING = "dev/nestcheck/impl/OptimizedNesting";

    private final String description;
    private final Target target;
    private volatile Class<?> allocatorAdapter;
    private volatile Class<?> nesting;

    ConcurrencyMutant(String description, Target target) {
        this.description = description;
        this.target = target;
    }

    public String description() {
        return description;
    }

    public Target target() {
        return target;
    }

    /** The mutated allocator, for allocator-level scenarios. */
    public KvmAllocatorUnderTest.Factory allocatorFactory() {
        if (target != Target.ALLOCATOR) throw new IllegalStateException(this + " mutates OptimizedNesting, not the allocator");
        Class<?> adapter = copies();
        return (cpus, bits, vms) -> (KvmAllocatorUnderTest) construct(adapter, new Class<?>[] {int.class, int.class, int.class}, cpus, bits, vms);
    }

    /** The mutated OptimizedNesting. */
    public NestingImplementation createNesting(Platform platform) {
        if (target != Target.NESTING) throw new IllegalStateException(this + " mutates the allocator, not OptimizedNesting");
        return (NestingImplementation) construct(copies(), new Class<?>[] {Platform.class}, platform);
    }

    private static Object construct(Class<?> c, Class<?>[] types, Object... args) {
        try {
            return c.getConstructor(types).newInstance(args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException) throw (RuntimeException) cause;
            throw new IllegalStateException(cause);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot build mutant: " + e, e);
        }
    }

    /** The copy of the root class (the adapter, or OptimizedNesting), defined once per JVM. */
    private synchronized Class<?> copies() {
        if (target == Target.ALLOCATOR) {
            if (allocatorAdapter == null)
                allocatorAdapter = MutantClasses.define(GenerationalAllocatorAdapter.class, GenerationalAllocatorAdapter.class,
                        n -> n.startsWith(ALLOCATOR) || n.startsWith("dev/nestcheck/concurrency/kvm/GenerationalAllocatorAdapter"),
                        name(), ALLOCATOR, this::mutation);
            return allocatorAdapter;
        }
        if (nesting == null)
            nesting = MutantClasses.define(OptimizedNestingRoot.CLASS, dev.nestcheck.concurrency.nesting.NestingHarness.class,
                    n -> n.startsWith("dev/nestcheck/impl/") && !n.startsWith("dev/nestcheck/impl/kvm/"),
                    name(), NESTING, this::mutation);
        return nesting;
    }

    private ClassVisitor mutation(ClassVisitor next) {
        return new ClassVisitor(Opcodes.ASM9, next) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String desc, String signature, String[] exceptions) {
                if (ConcurrencyMutant.this == NESTING_WITHOUT_LOCK) access &= ~Opcodes.ACC_SYNCHRONIZED;
                MethodVisitor mv = super.visitMethod(access, name, desc, signature, exceptions);
                switch (ConcurrencyMutant.this) {
                    case ACTIVE_CHECK_NEGATED: return name.equals("load") ? negateJumpAfter(mv, Opcodes.LCMP) : mv;
                    case CAS_NEGATED: return name.equals("load") ? negateJumpAfterCall(mv, "compareAndSet") : mv;
                    case GET_THEN_SET: return name.equals("load") ? getThenSet(mv) : mv;
                    case ROLLOVER_WITHOUT_LOCK: return name.equals("flushContext") ? unlockedBody(mv) : mv;
                    default: return withoutMonitors(mv);
                }
            }
        };
    }

    /** The first IFEQ/IFNE right after {@code opcode} is inverted. */
    private static MethodVisitor negateJumpAfter(MethodVisitor mv, int opcode) {
        return new MethodVisitor(Opcodes.ASM9, mv) {
            boolean armed, done;

            @Override
            public void visitInsn(int op) {
                armed = !done && op == opcode;
                super.visitInsn(op);
            }

            @Override
            public void visitJumpInsn(int op, org.objectweb.asm.Label label) {
                if (armed && (op == Opcodes.IFEQ || op == Opcodes.IFNE)) {
                    op = op == Opcodes.IFEQ ? Opcodes.IFNE : Opcodes.IFEQ;
                    done = true;
                }
                armed = false;
                super.visitJumpInsn(op, label);
            }
        };
    }

    /** The IFEQ/IFNE right after a call to {@code method} is inverted. */
    private static MethodVisitor negateJumpAfterCall(MethodVisitor mv, String method) {
        return new MethodVisitor(Opcodes.ASM9, mv) {
            boolean armed;

            @Override
            public void visitMethodInsn(int op, String owner, String name, String desc, boolean itf) {
                armed = name.equals(method);
                super.visitMethodInsn(op, owner, name, desc, itf);
            }

            @Override
            public void visitJumpInsn(int op, org.objectweb.asm.Label label) {
                if (armed && (op == Opcodes.IFEQ || op == Opcodes.IFNE)) op = op == Opcodes.IFEQ ? Opcodes.IFNE : Opcodes.IFEQ;
                armed = false;
                super.visitJumpInsn(op, label);
            }
        };
    }

    private static MethodVisitor getThenSet(MethodVisitor mv) {
        return new MethodVisitor(Opcodes.ASM9, mv) {
            @Override
            public void visitMethodInsn(int op, String owner, String name, String desc, boolean itf) {
                if (owner.equals("java/util/concurrent/atomic/AtomicLongArray") && name.equals("compareAndSet")) {
                    super.visitMethodInsn(Opcodes.INVOKESTATIC, "dev/nestcheck/concurrency/mutants/Racy", "getThenSet",
                            "(Ljava/util/concurrent/atomic/AtomicLongArray;IJJ)Z", false);
                    return;
                }
                super.visitMethodInsn(op, owner, name, desc, itf);
            }
        };
    }

    /** {@code lock.unlock()} on entry and {@code lock.lock()} before every return. */
    private static MethodVisitor unlockedBody(MethodVisitor mv) {
        return new MethodVisitor(Opcodes.ASM9, mv) {
            @Override
            public void visitCode() {
                super.visitCode();
                lockCall("unlock");
            }

            @Override
            public void visitInsn(int op) {
                if (op == Opcodes.RETURN) lockCall("lock");
                super.visitInsn(op);
            }

            private void lockCall(String method) {
                super.visitVarInsn(Opcodes.ALOAD, 0);
                super.visitFieldInsn(Opcodes.GETFIELD, ALLOCATOR, "lock", "Ljava/util/concurrent/locks/ReentrantLock;");
                super.visitMethodInsn(Opcodes.INVOKEVIRTUAL, "java/util/concurrent/locks/ReentrantLock", method, "()V", false);
            }
        };
    }

    /** Every monitorenter and monitorexit becomes a pop: synchronized blocks lock nothing. */
    private static MethodVisitor withoutMonitors(MethodVisitor mv) {
        return new MethodVisitor(Opcodes.ASM9, mv) {
            @Override
            public void visitInsn(int op) {
                super.visitInsn(op == Opcodes.MONITORENTER || op == Opcodes.MONITOREXIT ? Opcodes.POP : op);
            }
        };
    }

}
