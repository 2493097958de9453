package dev.nestcheck.conformance;

import dev.nestcheck.spec.Op;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Op.Visitor gained default methods for the v2 operations (so that users' visitors still compile); the
 * suite's own visitors must not lean on them: the model, the optimized implementation and the trace
 * writer each declare every visit method.
 */
class VisitorsTest {
    @Test
    void theSuitesVisitorsDeclareEveryOperation() throws Exception {
        for (String name : List.of("dev.nestcheck.model.ReferenceModel", "dev.nestcheck.impl.OptimizedNesting$Exec",
                "dev.nestcheck.trace.TraceCodec$FieldWriter")) {
            Class<?> c = Class.forName(name);
            List<String> missing = new ArrayList<>();
            for (Method m : Op.Visitor.class.getDeclaredMethods()) {
                if (m.isSynthetic() || java.lang.reflect.Modifier.isStatic(m.getModifiers()) || m.getName().equals("unsupported"))
                    continue;
                try {
                    c.getDeclaredMethod(m.getName(), m.getParameterTypes());
                } catch (NoSuchMethodException e) {
                    missing.add(m.getName());
                }
            }
            assertThat(missing).as(name + " relies on Op.Visitor's defaults for").isEmpty();
        }
    }

    @Test
    void aUsersVisitorWithoutTheV2MethodsStillCompilesAndSaysWhatToImplement() {
        Op.Visitor<String> v1 = new V1Visitor();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Op.IoasMap(1, 2, 0, 1).accept(v1))
                .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("ioasMap");
    }

    /** A visitor written against the v1 contract (every v1 method, none of the v2 ones). */
    private static final class V1Visitor implements Op.Visitor<String> {
        public String open(Op.Open o) { return "open"; }
        public String close(Op.Close o) { return "close"; }
        public String bind(Op.Bind o) { return "bind"; }
        public String unbind(Op.Unbind o) { return "unbind"; }
        public String ioasAlloc(Op.IoasAlloc o) { return "ioas"; }
        public String hwptAlloc(Op.HwptAlloc o) { return "hwpt"; }
        public String viommuAlloc(Op.ViommuAlloc o) { return "viommu"; }
        public String vdeviceAlloc(Op.VdeviceAlloc o) { return "vdevice"; }
        public String attach(Op.Attach o) { return "attach"; }
        public String detach(Op.Detach o) { return "detach"; }
        public String destroy(Op.Destroy o) { return "destroy"; }
        public String invalidate(Op.Invalidate o) { return "invalidate"; }
        public String kvmVmCreate(Op.KvmVmCreate o) { return "vm"; }
        public String kvmVmDestroy(Op.KvmVmDestroy o) { return "vm-"; }
        public String kvmBind(Op.KvmBind o) { return "kvm-bind"; }
        public String vcpuLoad(Op.VcpuLoad o) { return "load"; }
        public String vcpuPut(Op.VcpuPut o) { return "put"; }
    }
}
