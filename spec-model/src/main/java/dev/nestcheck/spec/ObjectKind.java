package dev.nestcheck.spec;

/** OBJ-1: the iommufd object types the rules use. */
public enum ObjectKind {
    DEVICE, IOAS, HWPT_PAGING, HWPT_NESTED, VIOMMU, VDEVICE
}
