/*
 * The bridge link, on the network thread (see mb_link in mb_core.h). UDP has no connection,
 * so "connected" can only mean "the bridge answered lately": the stream pings every
 * MB_PING_MS, and any packet from the bridge (a pong, a frame, returned audio) counts.
 *
 * The stream the user opened stays wanted until it is closed. Whenever the bridge may have
 * lost it (it answers again after a silence, or says MB_ERR_UNKNOWN_STREAM for this id after
 * a restart) the link re-sends /mb/hello and the same /mb/stream/open, and again every
 * MB_REOPEN_RETRY_MS until /mb/stream/opened comes back or the bridge refuses with an error.
 */
#define _DEFAULT_SOURCE
#include "mb_stream_impl.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/* Our pings' tokens carry this tag, so their pongs are not passed on as events. */
#define PING_TAG 0x4d420000
#define PING_TAG_MASK 0x7fff0000
#define LOST_STREAM_REOPEN_MS 250 /* errors for blocks sent before the re-open still arrive */

int64_t mb_now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

const char *mb_link_name(mb_link link)
{
    switch (link) {
    case MB_LINK_CONNECTED: return "connected";
    case MB_LINK_MISSING: return "missing";
    case MB_LINK_RECONNECTING: return "reconnecting";
    default: return "unknown";
    }
}

static int first_int(const mb_osc_msg *m, int32_t *out)
{
    mb_osc_iter it;
    mb_osc_arg a;
    double v;
    mb_osc_iter_init(&it, m);
    if (mb_osc_next(&it, &a) != 1 || !mb_osc_arg_number(&a, &v)) return 0;
    *out = (int32_t)v;
    return 1;
}

/* "no open stream 3 for this client": the message names the id as "stream <id>". */
static int names_stream(const char *text, int32_t id)
{
    char word[32];
    const char *p = text;
    size_t n = (size_t)snprintf(word, sizeof word, "stream %d", (int)id);
    while ((p = strstr(p, word)) != NULL) {
        char next = p[n];
        if (next < '0' || next > '9') return 1;
        p += n;
    }
    return 0;
}

int mb_osc_is_lost_stream(const mb_osc_msg *m, int32_t id)
{
    mb_osc_iter it;
    mb_osc_arg code, text;
    if (strcmp(m->address, MB_ADDR_ERROR) != 0) return 0;
    mb_osc_iter_init(&it, m);
    if (mb_osc_next(&it, &code) != 1 || code.type != 's' || strcmp(code.s, MB_ERR_UNKNOWN_STREAM) != 0) return 0;
    return mb_osc_next(&it, &text) == 1 && text.type == 's' && names_stream(text.s, id);
}

static void send_hello(mb_stream *s)
{
    uint8_t pkt[64];
    mb_oscw w;
    size_t len;
    mb_oscw_begin(&w, pkt, sizeof pkt, MB_ADDR_HELLO, "i");
    mb_oscw_int(&w, s->local_port);
    if ((len = mb_oscw_end(&w)) > 0) mb_send_raw(s, pkt, len);
}

static void send_ping(mb_stream *s, int64_t now)
{
    uint8_t pkt[64];
    mb_oscw w;
    size_t len;
    mb_oscw_begin(&w, pkt, sizeof pkt, MB_ADDR_PING, "i");
    mb_oscw_int(&w, PING_TAG | (s->ls.ping_count++ & 0xffff));
    if ((len = mb_oscw_end(&w)) > 0) mb_send_raw(s, pkt, len);
    s->ls.ping_ms = now;
}

static void send_open(mb_stream *s, int64_t now)
{
    mb_send_raw(s, s->ls.open_packet, s->ls.open_len);
    s->ls.open_ms = now;
}

/* The bridge may have lost the stream: register again and re-open with the same settings. */
static void reopen(mb_stream *s, int64_t now)
{
    send_hello(s);
    send_open(s, now);
    s->ls.recovering = 1;
    atomic_fetch_add(&s->ls.reopens, 1);
}

void mb_link_reset(mb_stream *s)
{
    mb_link_state *l = &s->ls;
    l->since_ms = mb_now_ms();
    l->heard_ms = 0;
    l->ping_ms = 0;
    l->ever_heard = 0;
    l->confirmed = 0;
    l->refused = 0;
    l->recovering = 0;
    atomic_store(&l->link, MB_LINK_UNKNOWN);
}

void mb_link_open(mb_stream *s, const uint8_t *packet, size_t len)
{
    mb_link_state *l = &s->ls;
    if (len > sizeof l->open_packet) return;
    memcpy(l->open_packet, packet, len);
    l->open_len = len;
    l->want_stream = 1;
    l->confirmed = 0;
    l->refused = 0;
    l->recovering = 0;
    send_open(s, mb_now_ms());
}

void mb_link_close(mb_stream *s, const uint8_t *packet, size_t len)
{
    s->ls.want_stream = 0;
    s->ls.recovering = 0;
    mb_send_raw(s, packet, len);
}

int mb_link_heard(mb_stream *s, const mb_osc_msg *m)
{
    mb_link_state *l = &s->ls;
    int64_t now = mb_now_ms();
    int32_t v;
    l->heard_ms = now;
    l->ever_heard = 1;
    if (strcmp(m->address, MB_ADDR_PONG) == 0) return first_int(m, &v) && (v & PING_TAG_MASK) == PING_TAG;
    if (!l->want_stream) return 0;
    if (strcmp(m->address, MB_ADDR_OPENED) == 0 && first_int(m, &v) && v == s->cfg.id) {
        l->confirmed = 1;
        l->refused = 0;
        l->recovering = 0;
    } else if (mb_osc_is_lost_stream(m, s->cfg.id)) {
        l->confirmed = 0;
        l->refused = 0;
        if (now - l->open_ms >= LOST_STREAM_REOPEN_MS) reopen(s, now);
        else l->recovering = 1;
    } else if (strcmp(m->address, MB_ADDR_ERROR) == 0 && !l->confirmed) {
        l->refused = 1; /* most likely the answer to the open: retrying would repeat it */
        l->recovering = 0;
    }
    return 0;
}

static mb_link silent_link(const mb_link_state *l, int64_t now)
{
    if (l->ever_heard) return now - l->heard_ms < MB_LINK_TIMEOUT_MS + MB_MISSING_AFTER_MS ? MB_LINK_RECONNECTING : MB_LINK_MISSING;
    return now - l->since_ms >= MB_LINK_TIMEOUT_MS ? MB_LINK_MISSING : MB_LINK_UNKNOWN;
}

void mb_link_tick(mb_stream *s)
{
    mb_link_state *l = &s->ls;
    int64_t now = mb_now_ms();
    int answering = l->ever_heard && now - l->heard_ms < MB_LINK_TIMEOUT_MS;
    mb_link link;
    if (l->ping_ms == 0 || now - l->ping_ms >= MB_PING_MS) send_ping(s, now);
    if (!answering) {
        l->confirmed = 0; /* a bridge that went silent may come back without the stream */
        l->refused = 0;
        link = silent_link(l, now);
    } else {
        if (l->want_stream && !l->confirmed && !l->refused && now - l->open_ms >= MB_REOPEN_RETRY_MS) reopen(s, now);
        link = l->want_stream && l->recovering && !l->confirmed ? MB_LINK_RECONNECTING : MB_LINK_CONNECTED;
    }
    atomic_store(&l->link, link);
}
