/*
 * A minimal OSC 1.0 codec for mb_core: messages with i f s b d h T F N arguments and
 * bundles (walked recursively, time tags ignored as [oscparse] does). Big-endian on the
 * wire; float32 blobs carry little-endian samples, as a Node Float32Array views them.
 */
#include "mb_core.h"

#include <string.h>

static size_t pad4(size_t n)
{
    return (n + 3u) & ~(size_t)3u;
}

static void put_u32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static uint32_t get_u32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}

static uint32_t float_bits(float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    return u;
}

static float bits_float(uint32_t u)
{
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

/* ---------------------------------------------------------------------- writer */

static void put_padded_string(mb_oscw *w, const char *s, size_t len)
{
    size_t total = pad4(len + 1);
    if (w->err || w->len + total > w->cap) {
        w->err = 1;
        return;
    }
    memcpy(w->buf + w->len, s, len);
    memset(w->buf + w->len + len, 0, total - len);
    w->len += total;
}

static void begin_types(mb_oscw *w, const char *address, size_t ntypes)
{
    size_t total;
    w->err = 0;
    w->len = 0;
    put_padded_string(w, address, strlen(address));
    total = pad4(ntypes + 2); /* comma, tags, at least one NUL */
    if (w->err || w->len + total > w->cap) {
        w->err = 1;
        return;
    }
    memset(w->buf + w->len, 0, total);
    w->buf[w->len] = ',';
    w->types_at = w->len + 1;
    w->types_end = w->types_at + ntypes;
    w->len += total;
}

void mb_oscw_begin(mb_oscw *w, uint8_t *buf, size_t cap, const char *address, const char *types)
{
    size_t n = strlen(types);
    w->buf = buf;
    w->cap = cap;
    begin_types(w, address, n);
    if (!w->err) memcpy(w->buf + w->types_at, types, n);
}

void mb_oscw_begin_floats(mb_oscw *w, uint8_t *buf, size_t cap, const char *address,
                          const char *prefix, size_t nfloats)
{
    size_t n = strlen(prefix);
    w->buf = buf;
    w->cap = cap;
    begin_types(w, address, n + nfloats);
    if (w->err) return;
    memcpy(w->buf + w->types_at, prefix, n);
    memset(w->buf + w->types_at + n, 'f', nfloats);
}

static void put_word(mb_oscw *w, uint32_t v)
{
    if (w->err || w->len + 4 > w->cap) {
        w->err = 1;
        return;
    }
    put_u32(w->buf + w->len, v);
    w->len += 4;
}

void mb_oscw_int(mb_oscw *w, int32_t v)
{
    put_word(w, (uint32_t)v);
}

void mb_oscw_float(mb_oscw *w, float v)
{
    put_word(w, float_bits(v));
}

void mb_oscw_string(mb_oscw *w, const char *s)
{
    put_padded_string(w, s, strlen(s));
}

void mb_oscw_blob(mb_oscw *w, const void *data, size_t n)
{
    size_t total = pad4(n);
    put_word(w, (uint32_t)n);
    if (w->err || w->len + total > w->cap) {
        w->err = 1;
        return;
    }
    memcpy(w->buf + w->len, data, n);
    memset(w->buf + w->len + n, 0, total - n);
    w->len += total;
}

size_t mb_oscw_end(mb_oscw *w)
{
    return w->err ? 0 : w->len;
}

static int little_endian_host(void)
{
    const uint16_t probe = 1;
    return *(const uint8_t *)&probe == 1;
}

size_t mb_osc_encode_audio(uint8_t *buf, size_t cap, const char *address, int32_t id,
                           const float *x, size_t n, int as_blob)
{
    mb_oscw w;
    size_t i;
    if (as_blob) {
        mb_oscw_begin(&w, buf, cap, address, "ib");
        mb_oscw_int(&w, id);
        mb_oscw_blob(&w, x, n * sizeof(float));
        if (!w.err && !little_endian_host()) {
            uint8_t *p = w.buf + w.len - pad4(n * sizeof(float));
            for (i = 0; i < n; i++, p += 4) {
                uint8_t t0 = p[0], t1 = p[1];
                p[0] = p[3];
                p[1] = p[2];
                p[2] = t1;
                p[3] = t0;
            }
        }
        return mb_oscw_end(&w);
    }
    mb_oscw_begin_floats(&w, buf, cap, address, "i", n);
    mb_oscw_int(&w, id);
    for (i = 0; i < n; i++) mb_oscw_float(&w, x[i]);
    return mb_oscw_end(&w);
}

/* ---------------------------------------------------------------------- reader */

/* Length of the NUL-terminated, 4-padded string at p[0..n), or 0 when malformed. */
static size_t padded_string_len(const uint8_t *p, size_t n)
{
    const uint8_t *nul = (const uint8_t *)memchr(p, 0, n);
    size_t total;
    if (!nul) return 0;
    total = pad4((size_t)(nul - p) + 1);
    return total <= n ? total : 0;
}

int mb_osc_parse(const uint8_t *p, size_t n, mb_osc_msg *out)
{
    size_t alen, tlen;
    if (n < 4 || (n & 3u) || p[0] != '/') return -1;
    alen = padded_string_len(p, n);
    if (!alen) return -1;
    out->address = (const char *)p;
    if (alen == n) { /* no type tag string: an old-style message without arguments */
        out->types = "";
        out->args = p + n;
        out->args_len = 0;
        return 0;
    }
    if (p[alen] != ',') return -1;
    tlen = padded_string_len(p + alen, n - alen);
    if (!tlen) return -1;
    out->types = (const char *)p + alen + 1;
    out->args = p + alen + tlen;
    out->args_len = n - alen - tlen;
    return 0;
}

void mb_osc_iter_init(mb_osc_iter *it, const mb_osc_msg *msg)
{
    it->msg = msg;
    it->type_index = 0;
    it->pos = 0;
}

static int take(mb_osc_iter *it, size_t bytes, const uint8_t **at)
{
    if (it->pos + bytes > it->msg->args_len) return -1;
    *at = it->msg->args + it->pos;
    it->pos += bytes;
    return 0;
}

int mb_osc_next(mb_osc_iter *it, mb_osc_arg *a)
{
    const uint8_t *at;
    size_t len;
    char t = it->msg->types[it->type_index];
    if (t == '\0') return 0;
    it->type_index++;
    memset(a, 0, sizeof *a);
    a->type = t;
    switch (t) {
    case 'i':
        if (take(it, 4, &at)) return -1;
        a->i = (int32_t)get_u32(at);
        return 1;
    case 'f':
        if (take(it, 4, &at)) return -1;
        a->f = bits_float(get_u32(at));
        return 1;
    case 'd':
    case 'h':
    case 't': {
        uint64_t u;
        if (take(it, 8, &at)) return -1;
        u = ((uint64_t)get_u32(at) << 32) | get_u32(at + 4);
        if (t == 'd') memcpy(&a->d, &u, sizeof a->d);
        else a->h = (int64_t)u;
        return 1;
    }
    case 's':
    case 'S':
        len = padded_string_len(it->msg->args + it->pos, it->msg->args_len - it->pos);
        if (!len) return -1;
        a->s = (const char *)it->msg->args + it->pos;
        it->pos += len;
        return 1;
    case 'b':
        if (take(it, 4, &at)) return -1;
        len = get_u32(at);
        if (take(it, pad4(len), &at)) return -1;
        a->blob = at;
        a->blob_len = len;
        return 1;
    case 'T':
    case 'F':
    case 'N':
    case 'I':
        return 1;
    default:
        return -1; /* an unknown tag's size is unknown: stop here */
    }
}

int mb_osc_address_part(const char *address, const char **cursor, char *part, size_t cap)
{
    const char *p = *cursor;
    size_t len;
    if (p == NULL) {
        p = address;
        if (strncmp(p, "/mb/", 4) == 0) p += 3;
    }
    while (*p == '/') p++;
    *cursor = p;
    if (*p == '\0' || cap == 0) return 0;
    len = strcspn(p, "/");
    *cursor = p + len;
    if (len >= cap) len = cap - 1;
    memcpy(part, p, len);
    part[len] = '\0';
    return 1;
}

int mb_osc_arg_number(const mb_osc_arg *a, double *out)
{
    switch (a->type) {
    case 'i': *out = a->i; return 1;
    case 'f': *out = a->f; return 1;
    case 'd': *out = a->d; return 1;
    case 'h': *out = (double)a->h; return 1;
    case 'T': *out = 1; return 1;
    case 'F': *out = 0; return 1;
    default: return 0;
    }
}

static int walk(const uint8_t *p, size_t n, mb_osc_visit fn, void *ud, int depth)
{
    static const char tag[8] = "#bundle";
    mb_osc_msg msg;
    size_t pos;
    int count = 0;
    if (depth > 8) return -1;
    if (n >= 16 && memcmp(p, tag, 8) == 0) {
        for (pos = 16; pos + 4 <= n;) {
            size_t len = get_u32(p + pos);
            int inner;
            pos += 4;
            if (len > n - pos) return -1;
            inner = walk(p + pos, len, fn, ud, depth + 1);
            if (inner < 0) return -1;
            count += inner;
            pos += len;
        }
        return count;
    }
    if (mb_osc_parse(p, n, &msg) != 0) return -1;
    fn(&msg, ud);
    return 1;
}

int mb_osc_walk(const uint8_t *p, size_t n, mb_osc_visit fn, void *ud)
{
    return walk(p, n, fn, ud, 0);
}
