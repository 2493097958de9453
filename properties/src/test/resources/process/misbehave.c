#define _POSIX_C_SOURCE 200809L
/*
 * A child that speaks nestcheck-protocol/1 correctly (the C KVM allocator of the example) until
 * the Nth operation of a case, and then misbehaves: for the tests of what
 * nestcheck does with children that crash, hang, write garbage or exit early.
 *
 *   misbehave MODE N         MODE: crash | hang | garbage | exit | silent-exit | none
 *   misbehave --full MODE N  claims the whole contract (answers create only; N should be 1)
 *   misbehave --hello TEXT   writes TEXT as its handshake, then behaves
 */
#include "kvm_vmid.h"
#include "nestcheck_protocol.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct kvm_vmid_allocator alloc;
static const char *mode = "none";
static long fault_at = -1, ops;
static int full, devices, smmus;

static int create(const nc_json *platform, void *state)
{
    long long cpus = 1, bits = 8;
    (void)state;
    const nc_json *kvm = nc_get(platform, "kvm");
    if (kvm) {
        nc_int(nc_get(kvm, "cpus"), &cpus);
        nc_int(nc_get(kvm, "vmidBits"), &bits);
    }
    if (full) {   /* like a child that logs its requests: the stderr of a crash differs by policy */
        const char *policy = nc_str(nc_get(platform, "policy"));
        fprintf(stderr, "misbehave: a case under %s\n", policy ? policy : "?");
    }
    devices = nc_len(nc_get(platform, "devices"));
    smmus = nc_len(nc_get(platform, "smmus"));
    kvm_vmid_destroy(&alloc);
    ops = 0;
    return kvm_vmid_init(&alloc, (unsigned)cpus, (unsigned)bits) == 0 ? 0 : -1;
}

static void misbehave(void)
{
    fprintf(stderr, "misbehave: doing '%s' at operation %ld\n", mode, ops);
    fflush(stderr);
    if (strcmp(mode, "crash") == 0)
        abort();
    if (strcmp(mode, "hang") == 0)
        for (;;)
            pause();
    if (strcmp(mode, "garbage") == 0) {
        printf("this is not JSON\n");
        fflush(stdout);
        for (;;)
            pause();
    }
    if (strcmp(mode, "exit") == 0)
        exit(3);
    if (strcmp(mode, "silent-exit") == 0)
        _exit(0);
}

static int field(const nc_json *req, const char *name)
{
    long long v;
    return nc_int(nc_get(req, name), &v) ? (int)v : -1;
}

static void answer(nc_out *out, int r, int with_value)
{
    if (r == -ENOENT) nc_errno(out, "ENOENT");
    else if (r == -EINVAL) nc_errno(out, "EINVAL");
    else if (r == -EBUSY) nc_errno(out, "EBUSY");
    else if (r == -ENOSPC) nc_errno(out, "ENOSPC");
    else if (r < 0) nc_errno(out, "EIO");
    else if (with_value) nc_ok_value(out, r);
    else nc_ok(out);
}

static int op(const char *name, const nc_json *req, nc_out *out, void *state)
{
    (void)state;
    if (++ops == fault_at)
        misbehave();
    if (strcmp(name, "kvm_vm_create") == 0) answer(out, kvm_vm_create(&alloc), 1);
    else if (strcmp(name, "kvm_vm_destroy") == 0) answer(out, kvm_vm_destroy(&alloc, field(req, "vm")), 0);
    else if (strcmp(name, "vcpu_load") == 0) answer(out, kvm_vcpu_load(&alloc, field(req, "vm"), field(req, "cpu")), 0);
    else if (strcmp(name, "vcpu_put") == 0) answer(out, kvm_vcpu_put(&alloc, field(req, "cpu")), 0);
    else if (strcmp(name, "kvm_pin") == 0) answer(out, kvm_vm_pin(&alloc, field(req, "vm")), 1);
    else if (strcmp(name, "kvm_unpin") == 0) answer(out, kvm_vm_unpin(&alloc, field(req, "vm")), 0);
    else return -1;
    return 0;
}

static void snapshot(nc_out *out, void *state)
{
    (void)state;
    if (full) {   /* the initial state of the whole contract: nothing open, every STE abort */
        nc_printf(out, "\"contexts\": [], \"devices\": [");
        for (int d = 0; d < devices; d++)
            nc_printf(out, "%s{\"ste\": {\"kind\": \"ABORT\"}}", d ? ", " : "");
        nc_printf(out, "], \"smmus\": [");
        for (int m = 0; m < smmus; m++)
            nc_printf(out, "%s{}", m ? ", " : "");
        nc_printf(out, "], ");
    }
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

int main(int argc, char **argv)
{
    const char *components = "[\"kvm\"]";
    int i = 1;
    if (i < argc && strcmp(argv[i], "--hello") == 0 && i + 1 < argc) {
        printf("%s\n", argv[i + 1]);
        fflush(stdout);
        for (;;)
            pause();
    }
    if (i < argc && strcmp(argv[i], "--full") == 0) {
        components = "[\"full\"]";
        full = 1;
        i++;
    }
    if (i + 1 < argc) {
        mode = argv[i];
        fault_at = atol(argv[i + 1]);
    }
    struct nc_handlers h = {"misbehave", components, create, op, snapshot};
    return nc_serve(stdin, stdout, &h, NULL);
}
