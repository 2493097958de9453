package dev.nestcheck.component;

import dev.nestcheck.process.CBuild;

/** The component TCK as a user runs it, on the C allocator of the example. */
class CKvmAllocatorVerification extends ComponentVerification {
    @Override
    protected String implementationName() {
        return "exec:" + CBuild.kvmAllocator(null);
    }
}
