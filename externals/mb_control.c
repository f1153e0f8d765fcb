/*
 * mb_stream control-thread verbs and the audio-thread entry point (see mb_core.h).
 * Verbs never touch the socket: they encode OSC and queue it for the network thread.
 */
#define _DEFAULT_SOURCE
#include "mb_stream_impl.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

/* -------------------------------------------------------------- audio thread */

void mb_stream_process(mb_stream *s, const float *in, float *out, size_t n)
{
    if (atomic_load_explicit(&s->streaming, memory_order_relaxed)) {
        size_t written = mb_ring_write(&s->input, in, n);
        if (written < n) atomic_fetch_add_explicit(&s->in_overflow, (uint64_t)(n - written), memory_order_relaxed);
    }
    mb_jitter_pull(&s->output, out, n); /* after reading `in`: hosts may alias in and out */
}

/* ------------------------------------------------------ control thread: verbs */

int mb_stream_connect(mb_stream *s, const char *host, int port, char *err, size_t errlen)
{
    struct sockaddr_in dest;
    int was_loopback = (ntohl(s->ctl_dest.sin_addr.s_addr) >> 24) == 127;
    if (mb_resolve(host, port, &dest, err, errlen) != 0) return -1;
    if (was_loopback && (ntohl(dest.sin_addr.s_addr) >> 24) != 127) {
        mb_set_err(err, errlen, "the reply port is bound to loopback; create the object with this host instead", host);
        return -1;
    }
    snprintf(s->cfg.host, sizeof s->cfg.host, "%s", host);
    s->cfg.port = port;
    s->ctl_dest = dest; /* the network thread gets its own copy through the ring */
    return mb_push_command(s, CMD_DEST, &dest, sizeof dest);
}

/* Encodes address + n ints (+ a string when `text` is not empty) and queues it as `command`. */
static int queue_ints(mb_stream *s, int command, const char *address, const int32_t *v, size_t n, const char *text)
{
    uint8_t pkt[OPEN_PACKET_BYTES];
    char types[8] = "iiiiiii";
    mb_oscw w;
    size_t i, len;
    if (n + 1 >= sizeof types) return -1;
    types[n] = text && text[0] ? 's' : '\0';
    types[n + 1] = '\0';
    mb_oscw_begin(&w, pkt, sizeof pkt, address, types);
    for (i = 0; i < n; i++) mb_oscw_int(&w, v[i]);
    if (text && text[0]) mb_oscw_string(&w, text);
    len = mb_oscw_end(&w);
    return len ? mb_push_command(s, command, pkt, len) : -1;
}

static int send_ints(mb_stream *s, const char *address, const int32_t *v, size_t n)
{
    return queue_ints(s, CMD_SEND, address, v, n, NULL);
}

int mb_stream_hello(mb_stream *s)
{
    int32_t port = s->local_port;
    return send_ints(s, MB_ADDR_HELLO, &port, 1);
}

int mb_stream_open(mb_stream *s, double sample_rate)
{
    int32_t v[3];
    if (sample_rate >= 1000) s->cfg.sample_rate = sample_rate;
    v[0] = s->cfg.id;
    v[1] = (int32_t)(s->cfg.sample_rate + 0.5);
    v[2] = s->cfg.block_size;
    if (queue_ints(s, CMD_OPEN, MB_ADDR_OPEN, v, 3, s->cfg.model) != 0) return -1;
    atomic_store(&s->streaming, 1);
    return 0;
}

int mb_stream_close(mb_stream *s)
{
    atomic_store(&s->streaming, 0);
    return queue_ints(s, CMD_CLOSE, MB_ADDR_CLOSE, &s->cfg.id, 1, NULL);
}

int mb_stream_set_model(mb_stream *s, const char *model)
{
    if (strlen(model) >= sizeof s->cfg.model) return -1;
    snprintf(s->cfg.model, sizeof s->cfg.model, "%s", model);
    return 0;
}

mb_link mb_stream_link(const mb_stream *s)
{
    return (mb_link)atomic_load(&((mb_stream *)s)->ls.link);
}

void mb_stream_set_latency(mb_stream *s, int target, int max)
{
    if (target < 1) target = 1;
    if (max < target) max = target;
    s->cfg.jitter_target = target;
    s->cfg.jitter_max = max;
    mb_jitter_set_target(&s->output, (size_t)target, (size_t)max);
}

void mb_stream_set_blob(mb_stream *s, int as_blob)
{
    uint8_t v = as_blob ? 1 : 0;
    s->cfg.as_blob = v;
    mb_push_command(s, CMD_BLOB, &v, 1);
}

int mb_stream_set_return_address(mb_stream *s, const char *address)
{
    size_t n = strlen(address);
    if (address[0] != '/' || n + 1 > sizeof s->cfg.return_address) return -1;
    snprintf(s->cfg.return_address, sizeof s->cfg.return_address, "%s", address);
    return mb_push_command(s, CMD_RETURN, address, n + 1);
}

size_t mb_stream_poll_event(mb_stream *s, uint8_t *dst, size_t cap)
{
    return mb_msgring_pop(&s->events, dst, cap);
}

int mb_stream_local_port(const mb_stream *s)
{
    return s->local_port;
}

const mb_stream_config *mb_stream_get_config(const mb_stream *s)
{
    return &s->cfg;
}

void mb_stream_stats(const mb_stream *s, mb_stats *o)
{
    mb_stream *m = (mb_stream *)s;
    o->blocks_sent = atomic_load(&m->blocks_sent);
    o->send_errors = atomic_load(&m->send_errors);
    o->in_overflow = atomic_load(&m->in_overflow);
    o->in_dropped_late = atomic_load(&m->in_dropped_late);
    o->packets_received = atomic_load(&m->packets_received);
    o->return_samples = atomic_load(&m->return_samples);
    o->jitter_underruns = atomic_load(&m->output.underruns);
    o->jitter_dropped = atomic_load(&m->output.dropped_late) + atomic_load(&m->output.dropped_full);
    o->events_dropped = atomic_load(&m->events_dropped);
    o->commands_dropped = atomic_load(&m->commands_dropped);
    o->jitter_fill = mb_ring_available(&m->output.ring);
    o->latency_samples = (size_t)s->cfg.block_size + atomic_load(&m->output.target);
    o->streaming = atomic_load(&m->streaming);
    o->reopens = atomic_load(&m->ls.reopens);
    o->link = mb_stream_link(s);
}
