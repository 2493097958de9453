/*
 * nestcheck_protocol.c - the child side of nestcheck-protocol/1 in C: a small JSON reader for
 * one request line, an answer writer, and the request loop. See nestcheck_protocol.h.
 */
#define _POSIX_C_SOURCE 200809L
#include "nestcheck_protocol.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* ---- the JSON reader ---------------------------------------------------------------------- */

enum nc_type { NC_NULL, NC_BOOL, NC_NUM, NC_STR, NC_ARR, NC_OBJ };

struct nc_json {
    enum nc_type type;
    const char *key;   /* member name, inside an object */
    const char *text;  /* string contents or number text, NUL-terminated in the line buffer */
    bool boolean;
    int first;         /* first child (index into the pool), -1 if none */
    int next;          /* next sibling, -1 if none */
    int count;         /* children */
};

struct parser {
    char *p;           /* read position in the (modifiable) line */
    struct nc_json *pool;
    int used, cap;
    const char *error;
};

static int new_node(struct parser *ps, enum nc_type t)
{
    if (ps->used == ps->cap) {
        int cap = ps->cap ? ps->cap * 2 : 64;
        struct nc_json *pool = realloc(ps->pool, (size_t)cap * sizeof *pool);
        if (!pool) {
            ps->error = "out of memory";
            return -1;
        }
        ps->pool = pool;
        ps->cap = cap;
    }
    struct nc_json *n = &ps->pool[ps->used];
    memset(n, 0, sizeof *n);
    n->type = t;
    n->first = n->next = -1;
    return ps->used++;
}

static void skip_space(struct parser *ps)
{
    while (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\r' || *ps->p == '\n')
        ps->p++;
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Parses a string at ps->p (after its opening quote), unescaping in place; returns its start. */
static char *parse_string(struct parser *ps)
{
    char *start = ps->p, *w = ps->p;
    for (;;) {
        char c = *ps->p++;
        if (c == '\0') {
            ps->error = "unterminated string";
            return NULL;
        }
        if (c == '"')
            break;
        if (c != '\\') {
            *w++ = c;
            continue;
        }
        c = *ps->p++;
        switch (c) {
        case '"': case '\\': case '/': *w++ = c; break;
        case 'b': *w++ = '\b'; break;
        case 'f': *w++ = '\f'; break;
        case 'n': *w++ = '\n'; break;
        case 'r': *w++ = '\r'; break;
        case 't': *w++ = '\t'; break;
        case 'u': {
            unsigned cp = 0;
            for (int i = 0; i < 4; i++) {
                int d = hex_digit(*ps->p++);
                if (d < 0) {
                    ps->error = "bad \\u escape";
                    return NULL;
                }
                cp = cp * 16 + (unsigned)d;
            }
            /* UTF-8; surrogate pairs are kept as two 3-byte sequences (names here are ASCII) */
            if (cp < 0x80) {
                *w++ = (char)cp;
            } else if (cp < 0x800) {
                *w++ = (char)(0xC0 | (cp >> 6));
                *w++ = (char)(0x80 | (cp & 0x3F));
            } else {
                *w++ = (char)(0xE0 | (cp >> 12));
                *w++ = (char)(0x80 | ((cp >> 6) & 0x3F));
                *w++ = (char)(0x80 | (cp & 0x3F));
            }
            break;
        }
        default:
            ps->error = "bad escape";
            return NULL;
        }
    }
    /* the unescaped text is never longer than the escaped one, so the NUL fits */
    *w = '\0';
    return start;
}

static int parse_value(struct parser *ps, int depth);

static int parse_container(struct parser *ps, enum nc_type t, int depth)
{
    int self = new_node(ps, t), last = -1;
    if (self < 0)
        return -1;
    char close = t == NC_OBJ ? '}' : ']';
    skip_space(ps);
    if (*ps->p == close) {
        ps->p++;
        return self;
    }
    for (;;) {
        const char *key = NULL;
        skip_space(ps);
        if (t == NC_OBJ) {
            if (*ps->p++ != '"') {
                ps->error = "expected a member name";
                return -1;
            }
            key = parse_string(ps);
            if (!key)
                return -1;
            skip_space(ps);
            if (*ps->p++ != ':') {
                ps->error = "expected ':'";
                return -1;
            }
        }
        int child = parse_value(ps, depth + 1);
        if (child < 0)
            return -1;
        ps->pool[child].key = key;
        if (last < 0)
            ps->pool[self].first = child;
        else
            ps->pool[last].next = child;
        last = child;
        ps->pool[self].count++;
        skip_space(ps);
        char c = *ps->p++;
        if (c == close)
            return self;
        if (c != ',') {
            ps->error = t == NC_OBJ ? "expected ',' or '}'" : "expected ',' or ']'";
            return -1;
        }
    }
}

static int parse_value(struct parser *ps, int depth)
{
    if (depth > 32) {
        ps->error = "nested too deeply";
        return -1;
    }
    skip_space(ps);
    char c = *ps->p;
    if (c == '{' || c == '[') {
        ps->p++;
        return parse_container(ps, c == '{' ? NC_OBJ : NC_ARR, depth);
    }
    if (c == '"') {
        ps->p++;
        int n = new_node(ps, NC_STR);
        if (n < 0)
            return -1;
        char *s = parse_string(ps);
        if (!s)
            return -1;
        ps->pool[n].text = s;
        return n;
    }
    if (strncmp(ps->p, "true", 4) == 0 || strncmp(ps->p, "false", 5) == 0) {
        int n = new_node(ps, NC_BOOL);
        if (n < 0)
            return -1;
        ps->pool[n].boolean = c == 't';
        ps->p += c == 't' ? 4 : 5;
        return n;
    }
    if (strncmp(ps->p, "null", 4) == 0) {
        ps->p += 4;
        return new_node(ps, NC_NULL);
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
        int n = new_node(ps, NC_NUM);
        if (n < 0)
            return -1;
        char *start = ps->p;
        while (*ps->p == '-' || *ps->p == '+' || *ps->p == '.' || *ps->p == 'e' || *ps->p == 'E'
               || (*ps->p >= '0' && *ps->p <= '9'))
            ps->p++;
        /* not NUL-terminated: the delimiter after it is still needed; count holds its length */
        ps->pool[n].text = start;
        ps->pool[n].count = (int)(ps->p - start);
        return n;
    }
    ps->error = "unexpected character";
    return -1;
}

/* The current request: its nodes point into the line buffer. */
static struct parser request;

const nc_json *nc_get(const nc_json *obj, const char *key)
{
    if (!obj || obj->type != NC_OBJ)
        return NULL;
    for (int i = obj->first; i >= 0; i = request.pool[i].next)
        if (strcmp(request.pool[i].key, key) == 0)
            return &request.pool[i];
    return NULL;
}

int nc_len(const nc_json *a)
{
    return a && a->type == NC_ARR ? a->count : 0;
}

const nc_json *nc_at(const nc_json *a, int i)
{
    if (!a || a->type != NC_ARR || i < 0)
        return NULL;
    for (int k = a->first; k >= 0; k = request.pool[k].next, i--)
        if (i == 0)
            return &request.pool[k];
    return NULL;
}

bool nc_int(const nc_json *v, long long *out)
{
    char buf[32];
    if (!v || v->type != NC_NUM || v->count <= 0 || v->count >= (int)sizeof buf)
        return false;
    memcpy(buf, v->text, (size_t)v->count);
    buf[v->count] = '\0';
    char *end;
    errno = 0;
    long long x = strtoll(buf, &end, 10);
    if (errno || *end != '\0')
        return false;
    *out = x;
    return true;
}

bool nc_u64(const nc_json *v, uint64_t *out)
{
    if (v && v->type == NC_STR) {
        const char *s = v->text;
        if (s[0] != '0' || s[1] != 'x' || s[2] == '\0' || strlen(s) > 18)
            return false;
        uint64_t x = 0;
        for (s += 2; *s; s++) {
            int d = hex_digit(*s);
            if (d < 0)
                return false;
            x = x << 4 | (uint64_t)d;
        }
        *out = x;
        return true;
    }
    long long x;
    if (!nc_int(v, &x) || x < 0)
        return false;
    *out = (uint64_t)x;
    return true;
}

const char *nc_str(const nc_json *v)
{
    return v && v->type == NC_STR ? v->text : NULL;
}

bool nc_is_true(const nc_json *v)
{
    return v && v->type == NC_BOOL && v->boolean;
}

/* ---- the answer writer -------------------------------------------------------------------- */

struct nc_out {
    char *buf;
    size_t len, cap;
    bool outcome;
};

void nc_printf(nc_out *o, const char *fmt, ...)
{
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(o->buf + o->len, o->cap - o->len, fmt, ap);
        va_end(ap);
        if (n < 0)
            return;
        if (o->len + (size_t)n < o->cap) {
            o->len += (size_t)n;
            return;
        }
        size_t cap = (o->cap + (size_t)n + 1) * 2;
        char *b = realloc(o->buf, cap);
        if (!b) {
            fprintf(stderr, "nestcheck_protocol: out of memory\n");
            exit(1);
        }
        o->buf = b;
        o->cap = cap;
    }
}

void nc_ok(nc_out *o)
{
    nc_printf(o, "\"ok\": true");
    o->outcome = true;
}

void nc_ok_value(nc_out *o, long long value)
{
    nc_printf(o, "\"ok\": %lld", value);
    o->outcome = true;
}

void nc_errno(nc_out *o, const char *name)
{
    nc_printf(o, "\"errno\": \"%s\"", name);
    o->outcome = true;
}

/* ---- the loop ----------------------------------------------------------------------------- */

static int fail(const char *what, const char *line)
{
    fprintf(stderr, "nestcheck_protocol: %s in request: %.200s\n", what, line);
    return 1;
}

int nc_serve(FILE *in, FILE *out, const struct nc_handlers *h, void *state)
{
    char *line = NULL;
    size_t linecap = 0;
    nc_out o = {0};
    int status = 0;

    fprintf(out, "{\"protocol\": \"%s\", \"name\": \"%s\", \"components\": %s}\n", NC_PROTOCOL, h->name, h->components);
    fflush(out);
    for (ssize_t n; (n = getline(&line, &linecap, in)) > 0;) {
        if (strspn(line, " \t\r\n") == (size_t)n)
            continue;
        char *copy = strdup(line);   /* the parser writes into the line; keep it for messages */
        request.p = line;
        request.used = 0;
        request.error = NULL;
        int root = parse_value(&request, 0);
        if (root < 0 || request.pool[root].type != NC_OBJ) {
            status = fail(request.error ? request.error : "not a JSON object", copy);
            free(copy);
            break;
        }
        const nc_json *req = &request.pool[root];
        o.len = 0;
        o.outcome = false;
        nc_printf(&o, "{");
        const nc_json *create = nc_get(req, "create"), *op = nc_get(req, "op");
        if (create) {
            if (h->create(create, state) != 0) {
                status = fail("create refused", copy);
                free(copy);
                break;
            }
            nc_printf(&o, "\"ok\": true");
        } else if (op) {
            const char *name = nc_str(op);
            if (!name || h->op(name, req, &o, state) != 0 || !o.outcome) {
                status = fail(name ? "unknown op, or no outcome written," : "\"op\" is not a string", copy);
                free(copy);
                break;
            }
            if (nc_is_true(nc_get(req, "snapshot"))) {
                nc_printf(&o, ", \"snapshot\": {");
                h->snapshot(&o, state);
                nc_printf(&o, "}");
            }
        } else if (nc_is_true(nc_get(req, "snapshot"))) {
            nc_printf(&o, "\"snapshot\": {");
            h->snapshot(&o, state);
            nc_printf(&o, "}");
        } else {
            status = fail("neither create, op nor snapshot", copy);
            free(copy);
            break;
        }
        nc_printf(&o, "}\n");
        fwrite(o.buf, 1, o.len, out);
        fflush(out);
        free(copy);
    }
    free(line);
    free(o.buf);
    free(request.pool);
    return status;
}
