/**
 * The reference model of RULES.md: {@link dev.nestcheck.model.ReferenceModel} (every section but
 * the KVM allocator), {@link dev.nestcheck.model.KvmVmids} (KVM-1..KVM-7, arch/arm64/kvm/vmid.c
 * with the pinned-VMID RFC) and {@link dev.nestcheck.model.ModelProvider} (registered as
 * {@code model}). Methods are named after the rule they decide.
 */
package dev.nestcheck.model;
