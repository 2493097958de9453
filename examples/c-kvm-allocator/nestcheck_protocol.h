/*
 * nestcheck_protocol.h - the child side of nestcheck-protocol/1 (docs/PROTOCOL.md) in C.
 *
 * Copy nestcheck_protocol.h and nestcheck_protocol.c next to your code; they need only the
 * C11 standard library. You write four small callbacks (create, op, snapshot, and the names in
 * the handshake); nc_serve() reads requests from stdin, one JSON object per line, calls them,
 * and writes the answers to stdout, one per line. Log to stderr: nestcheck keeps its tail in
 * crash reports.
 *
 * Written for nestcheck from docs/PROTOCOL.md.
 */
#ifndef NESTCHECK_PROTOCOL_H
#define NESTCHECK_PROTOCOL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define NC_PROTOCOL "nestcheck-protocol/1"

/* ---- reading: a parsed JSON value of the current request ------------------------------ */

typedef struct nc_json nc_json;

/* The member of an object, or NULL when absent (or when obj is not an object). */
const nc_json *nc_get(const nc_json *obj, const char *key);
/* Array length (0 when not an array) and element i (NULL when out of range). */
int nc_len(const nc_json *array);
const nc_json *nc_at(const nc_json *array, int i);
/* An integer: true when v is a JSON integer that fits. */
bool nc_int(const nc_json *v, long long *out);
/* A 64-bit value as the trace format writes them: "0x..." (1..16 hex digits) or an integer. */
bool nc_u64(const nc_json *v, uint64_t *out);
/* A string's text (NUL-terminated, escapes resolved), or NULL when v is not a string. */
const char *nc_str(const nc_json *v);
bool nc_is_true(const nc_json *v);

/* ---- writing: the answer being built ----------------------------------------------------- */

typedef struct nc_out nc_out;

/* The outcome: exactly one of these per operation. */
void nc_ok(nc_out *o);                          /* "ok": true  */
void nc_ok_value(nc_out *o, long long value);   /* "ok": N     */
void nc_errno(nc_out *o, const char *name);     /* "errno": "EBUSY" (the Linux name) */
/* Appends raw JSON text (members of the snapshot object, further fields such as ", \"entryNum\": 2"). */
void nc_printf(nc_out *o, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* ---- serving ----------------------------------------------------------------------------- */

struct nc_handlers {
    const char *name;        /* handshake "name" */
    const char *components;  /* handshake "components" as JSON, e.g. "[\"kvm\"]" */
    /* {"create": PLATFORM}: start afresh for the platform (TRACE.md's platform object).
     * Return 0, or -1 to give up (nc_serve then exits with status 1). */
    int (*create)(const nc_json *platform, void *state);
    /* One operation: op is its "op" name, req the whole request (its fields by TRACE.md name).
     * Write the outcome with nc_ok / nc_ok_value / nc_errno. Return -1 for an op you do not
     * know (nc_serve reports it on stderr and exits with status 1). */
    int (*op)(const char *op, const nc_json *req, nc_out *out, void *state);
    /* The members of the snapshot object, e.g. "\"kvm\": {...}". */
    void (*snapshot)(nc_out *out, void *state);
};

/* Writes the handshake, then serves until EOF on in. Returns the exit status (0 at EOF). */
int nc_serve(FILE *in, FILE *out, const struct nc_handlers *h, void *state);

#endif
