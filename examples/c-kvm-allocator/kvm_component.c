/*
 * kvm_component.c - serves kvm_vmid.c to nestcheck as the "kvm" component of
 * nestcheck-protocol/1 (docs/PROTOCOL.md): maps each request to an allocator call and writes
 * the KVM state as the snapshot. This file is the part you rewrite for your own allocator.
 */
#include "kvm_vmid.h"
#include "nestcheck_protocol.h"

#include <errno.h>
#include <string.h>

#ifdef BUG
#define NAME "c-kvm-allocator (built with a bug)"
#else
#define NAME "c-kvm-allocator"
#endif

static struct kvm_vmid_allocator alloc;

static const char *errno_name(int e)
{
    switch (e) {
    case ENOENT: return "ENOENT";
    case EINVAL: return "EINVAL";
    case EBUSY: return "EBUSY";
    case ENOSPC: return "ENOSPC";
    default: return "EIO";
    }
}

static int create(const nc_json *platform, void *state)
{
    (void)state;
    long long cpus = 1, bits = 8;   /* TRACE.md: "kvm" may be omitted, meaning 1 CPU and 8 bits */
    const nc_json *kvm = nc_get(platform, "kvm");
    if (kvm && (!nc_int(nc_get(kvm, "cpus"), &cpus) || !nc_int(nc_get(kvm, "vmidBits"), &bits)))
        return -1;
    kvm_vmid_destroy(&alloc);
    return kvm_vmid_init(&alloc, (unsigned)cpus, (unsigned)bits) == 0 ? 0 : -1;
}

static int field(const nc_json *req, const char *name)
{
    long long v;
    /* a missing or odd field becomes an ID no VM or CPU has: the allocator says ENOENT or EINVAL */
    return nc_int(nc_get(req, name), &v) && v >= -1000000 && v <= 1000000 ? (int)v : -1;
}

static void answer(nc_out *out, int r, int with_value)
{
    if (r < 0)
        nc_errno(out, errno_name(-r));
    else if (with_value)
        nc_ok_value(out, r);
    else
        nc_ok(out);
}

static int op(const char *name, const nc_json *req, nc_out *out, void *state)
{
    (void)state;
    if (strcmp(name, "kvm_vm_create") == 0)
        answer(out, kvm_vm_create(&alloc), 1);
    else if (strcmp(name, "kvm_vm_destroy") == 0)
        answer(out, kvm_vm_destroy(&alloc, field(req, "vm")), 0);
    else if (strcmp(name, "vcpu_load") == 0)
        answer(out, kvm_vcpu_load(&alloc, field(req, "vm"), field(req, "cpu")), 0);
    else if (strcmp(name, "vcpu_put") == 0)
        answer(out, kvm_vcpu_put(&alloc, field(req, "cpu")), 0);
    else if (strcmp(name, "kvm_pin") == 0)
        answer(out, kvm_vm_pin(&alloc, field(req, "vm")), 1);
    else if (strcmp(name, "kvm_unpin") == 0)
        answer(out, kvm_vm_unpin(&alloc, field(req, "vm")), 0);
    else
        return -1;
    return 0;
}

/* OBS-2, the KVM part: each live VM's (generation, index) and pins, each CPU's VM, the rollovers. */
static void snapshot(nc_out *out, void *state)
{
    (void)state;
    nc_printf(out, "\"kvm\": {\"vms\": [");
    const char *sep = "";
    for (int v = 1; v <= alloc.vms; v++) {
        if (!alloc.vm[v].live)
            continue;
        nc_printf(out, "%s{\"vm\": %d, \"generation\": %llu, \"index\": %u, \"pins\": %u}", sep, v,
                  (unsigned long long)alloc.vm[v].id.generation, alloc.vm[v].id.index, alloc.vm[v].pins);
        sep = ", ";
    }
    nc_printf(out, "], \"cpuRunning\": [");
    for (unsigned c = 0; c < alloc.cpus; c++)
        nc_printf(out, "%s%d", c ? ", " : "", alloc.cpu[c].running);
    nc_printf(out, "], \"rollovers\": %u}", alloc.rollovers);
}

int main(void)
{
    static const struct nc_handlers handlers = {NAME, "[\"kvm\"]", create, op, snapshot};
    int status = nc_serve(stdin, stdout, &handlers, NULL);
    kvm_vmid_destroy(&alloc);
    return status;
}
