/**
 * The contract between nestcheck and any implementation of the SMMUv3 nesting and VMID
 * rules (RULES.md): the platform, the operations, their outcomes, the observable snapshot,
 * and {@link dev.nestcheck.spec.NestingImplementation}. The reference model lives in
 * {@code dev.nestcheck.model}; implementations depend on this package only.
 */
package dev.nestcheck.spec;
