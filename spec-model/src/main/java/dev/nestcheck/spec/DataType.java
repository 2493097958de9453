package dev.nestcheck.spec;

/** The data type of HWPT_ALLOC user data and of INVALIDATE arrays (TRACE.md: dataType). */
public enum DataType {
    NONE, ARM_SMMUV3, VTD_S1
}
