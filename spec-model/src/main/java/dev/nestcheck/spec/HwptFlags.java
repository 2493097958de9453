package dev.nestcheck.spec;

/** HWPT-2: iommufd HWPT_ALLOC flag values (include/uapi/linux/iommufd.h). */
public final class HwptFlags {
    public static final int NEST_PARENT = 1;
    public static final int DIRTY_TRACKING = 2;
    public static final int FAULT_ID = 4;
    public static final int PASID = 8;

    private HwptFlags() {
    }
}
