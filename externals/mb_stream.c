/*
 * mb_stream: one audio stream to the mirrorbridge server (see mb_core.h).
 *
 * The audio thread writes input into `input` and pulls returned audio from `output`.
 * The network thread owns the socket: it sends queued commands, cuts the input into
 * blocks of `block_size` samples and sends each as /mb/stream/audio, and sorts what it
 * receives into returned audio (jitter buffer) or events for the control thread.
 * The control thread never touches the socket after creation: it queues commands.
 */
#define _DEFAULT_SOURCE
#include "mb_stream_impl.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

void mb_stream_config_defaults(mb_stream_config *c)
{
    memset(c, 0, sizeof *c);
    snprintf(c->host, sizeof c->host, "%s", MB_DEFAULT_HOST);
    c->port = MB_DEFAULT_PORT;
    c->id = 0;
    c->block_size = MB_DEFAULT_BLOCK;
    c->sample_rate = 44100;
    c->as_blob = 0;
    c->jitter_target = 2 * MB_DEFAULT_BLOCK;
    c->jitter_max = 8 * MB_DEFAULT_BLOCK;
    snprintf(c->audio_address, sizeof c->audio_address, "%s", MB_ADDR_AUDIO);
    snprintf(c->return_address, sizeof c->return_address, "%s", MB_ADDR_RETURN);
}

void mb_set_err(char *err, size_t errlen, const char *what, const char *detail)
{
    if (err && errlen) snprintf(err, errlen, "%s%s%s", what, detail ? ": " : "", detail ? detail : "");
}

int mb_resolve(const char *host, int port, struct sockaddr_in *out, char *err, size_t errlen)
{
    struct addrinfo hints, *res = NULL;
    int rc;
    if (port < 1 || port > 65535) {
        mb_set_err(err, errlen, "port must be in [1, 65535]", NULL);
        return -1;
    }
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_INET; /* IPv4 only: the bridge listens on 127.0.0.1 by default */
    hints.ai_socktype = SOCK_DGRAM;
    rc = getaddrinfo(host, NULL, &hints, &res);
    if (rc != 0 || !res) {
        mb_set_err(err, errlen, "cannot resolve host", gai_strerror(rc));
        return -1;
    }
    memcpy(out, res->ai_addr, sizeof *out);
    out->sin_port = htons((uint16_t)port);
    freeaddrinfo(res);
    return 0;
}

/* ------------------------------------------------------------ network thread */

void mb_send_raw(mb_stream *s, const uint8_t *p, size_t len)
{
    ssize_t n = sendto(s->sock, p, len, MSG_DONTWAIT, (const struct sockaddr *)&s->dest, sizeof s->dest);
    if (n != (ssize_t)len) atomic_fetch_add(&s->send_errors, 1);
}

static void run_command(mb_stream *s, const uint8_t *c, size_t len)
{
    switch (c[0]) {
    case CMD_SEND: mb_send_raw(s, c + 1, len - 1); break;
    case CMD_DEST:
        memcpy(&s->dest, c + 1, sizeof s->dest);
        mb_link_reset(s); /* another bridge: find it, and open the stream there */
        break;
    case CMD_BLOB: s->as_blob = c[1]; break;
    case CMD_RETURN: snprintf(s->return_address, sizeof s->return_address, "%s", (const char *)c + 1); break;
    case CMD_OPEN: mb_link_open(s, c + 1, len - 1); break;
    case CMD_CLOSE:
        mb_ring_skip(&s->input, mb_ring_available(&s->input));
        mb_link_close(s, c + 1, len - 1);
        break;
    default: break;
    }
}

static void drain_commands(mb_stream *s)
{
    size_t len;
    while ((len = mb_msgring_pop(&s->commands, s->cmd, sizeof s->cmd)) > 0) run_command(s, s->cmd, len);
}

static void send_audio(mb_stream *s)
{
    size_t block = (size_t)s->cfg.block_size;
    size_t avail = mb_ring_available(&s->input);
    if (avail > BACKLOG_BLOCKS * block) {
        /* The network fell behind: drop the oldest whole blocks, keep the newest. */
        size_t drop = (avail / block - 1) * block;
        atomic_fetch_add(&s->in_dropped_late, (uint64_t)mb_ring_skip(&s->input, drop));
        avail -= drop;
    }
    while (avail >= block) {
        size_t len;
        mb_ring_read(&s->input, s->block, block);
        avail -= block;
        len = mb_osc_encode_audio(s->packet, s->packet_cap, s->cfg.audio_address, s->cfg.id,
                                  s->block, block, s->as_blob);
        if (len == 0) {
            atomic_fetch_add(&s->send_errors, 1);
            continue;
        }
        mb_send_raw(s, s->packet, len);
        atomic_fetch_add(&s->blocks_sent, 1);
    }
}

static int id_matches(const mb_osc_arg *a, int32_t id)
{
    double v;
    return mb_osc_arg_number(a, &v) && (int32_t)v == id;
}

static void take_returned_audio(mb_stream *s, const mb_osc_msg *m)
{
    mb_osc_iter it;
    mb_osc_arg a;
    size_t n = 0;
    mb_osc_iter_init(&it, m);
    if (mb_osc_next(&it, &a) != 1 || !id_matches(&a, s->cfg.id)) return;
    while (n < RX_FLOATS && mb_osc_next(&it, &a) == 1) {
        double v;
        if (a.type == 'b') {
            size_t k, count = a.blob_len / 4;
            for (k = 0; k < count && n < RX_FLOATS; k++) {
                const uint8_t *p = a.blob + 4 * k;
                uint32_t u = (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
                memcpy(&s->rx_floats[n++], &u, 4);
            }
        } else if (mb_osc_arg_number(&a, &v)) {
            s->rx_floats[n++] = (float)v;
        }
    }
    mb_jitter_push(&s->output, s->rx_floats, n);
    atomic_fetch_add(&s->return_samples, (uint64_t)n);
}

static void sort_message(const mb_osc_msg *m, void *ud)
{
    mb_stream *s = (mb_stream *)ud;
    size_t len;
    if (mb_link_heard(s, m)) return;
    if (strcmp(m->address, s->return_address) == 0) {
        take_returned_audio(s, m);
        return;
    }
    len = (size_t)(m->args + m->args_len - (const uint8_t *)m->address);
    if (mb_msgring_push(&s->events, m->address, len) != 0) atomic_fetch_add(&s->events_dropped, 1);
}

static void receive_all(mb_stream *s)
{
    for (;;) {
        ssize_t n = recv(s->sock, s->rx, RX_BYTES, MSG_DONTWAIT);
        if (n <= 0) return;
        atomic_fetch_add(&s->packets_received, 1);
        mb_osc_walk(s->rx, (size_t)n, sort_message, s);
    }
}

static void *net_main(void *arg)
{
    mb_stream *s = (mb_stream *)arg;
    struct pollfd pfd;
    while (atomic_load(&s->running)) {
        drain_commands(s);
        mb_link_tick(s);
        send_audio(s);
        pfd.fd = s->sock;
        pfd.events = POLLIN;
        pfd.revents = 0;
        if (poll(&pfd, 1, POLL_MS) > 0) receive_all(s);
    }
    drain_commands(s); /* the goodbye queued by mb_stream_destroy */
    return NULL;
}

/* ------------------------------------------------------------ control thread */

int mb_push_command(mb_stream *s, int type, const void *data, size_t len)
{
    uint8_t c[MB_SLOT_BYTES];
    if (len + 1 > sizeof c) return -1;
    c[0] = (uint8_t)type;
    memcpy(c + 1, data, len);
    if (mb_msgring_push(&s->commands, c, len + 1) != 0) {
        atomic_fetch_add(&s->commands_dropped, 1);
        return -1;
    }
    return 0;
}

int mb_stream_send_packet(mb_stream *s, const uint8_t *packet, size_t len)
{
    return mb_push_command(s, CMD_SEND, packet, len);
}

static int open_socket(mb_stream *s, char *err, size_t errlen)
{
    struct sockaddr_in local;
    socklen_t len = sizeof local;
    int loopback = (ntohl(s->ctl_dest.sin_addr.s_addr) >> 24) == 127;
    s->sock = socket(AF_INET, SOCK_DGRAM, 0);
    if (s->sock < 0) {
        mb_set_err(err, errlen, "socket failed", strerror(errno));
        return -1;
    }
    memset(&local, 0, sizeof local);
    local.sin_family = AF_INET;
    local.sin_port = htons((uint16_t)s->cfg.local_port);
    local.sin_addr.s_addr = htonl(loopback ? INADDR_LOOPBACK : INADDR_ANY);
    if (bind(s->sock, (struct sockaddr *)&local, sizeof local) != 0 ||
        getsockname(s->sock, (struct sockaddr *)&local, &len) != 0) {
        mb_set_err(err, errlen, "cannot bind the reply port", strerror(errno));
        return -1;
    }
    s->local_port = ntohs(local.sin_port);
    fcntl(s->sock, F_SETFL, fcntl(s->sock, F_GETFL, 0) | O_NONBLOCK);
    return 0;
}

static int check_config(const mb_stream_config *c, char *err, size_t errlen)
{
    if (c->block_size < 16 || c->block_size > MB_MAX_BLOCK) {
        mb_set_err(err, errlen, "block size must be in [16, 4096]", NULL);
        return -1;
    }
    if (c->sample_rate < 1000 || c->sample_rate > 384000) {
        mb_set_err(err, errlen, "sample rate must be in [1000, 384000]", NULL);
        return -1;
    }
    return 0;
}

static int allocate(mb_stream *s)
{
    size_t block = (size_t)s->cfg.block_size;
    s->packet_cap = 64 + block * 8;
    s->block = (float *)calloc(block, sizeof(float));
    s->rx_floats = (float *)calloc(RX_FLOATS, sizeof(float));
    s->packet = (uint8_t *)malloc(s->packet_cap);
    s->rx = (uint8_t *)malloc(RX_BYTES);
    if (!s->block || !s->rx_floats || !s->packet || !s->rx) return -1;
    if (mb_ring_init(&s->input, block * 16 > 8192 ? block * 16 : 8192) != 0) return -1;
    if (mb_jitter_init(&s->output, 65536, (size_t)s->cfg.jitter_target, (size_t)s->cfg.jitter_max) != 0) return -1;
    if (mb_msgring_init(&s->commands, 64) != 0) return -1;
    if (mb_msgring_init(&s->events, 256) != 0) return -1;
    return 0;
}

static void release(mb_stream *s)
{
    if (s->sock >= 0) close(s->sock);
    free(s->block);
    free(s->rx_floats);
    free(s->packet);
    free(s->rx);
    mb_ring_free(&s->input);
    mb_jitter_free(&s->output);
    mb_msgring_free(&s->commands);
    mb_msgring_free(&s->events);
    free(s);
}

mb_stream *mb_stream_create(const mb_stream_config *c, char *err, size_t errlen)
{
    mb_stream *s;
    if (check_config(c, err, errlen) != 0) return NULL;
    s = (mb_stream *)calloc(1, sizeof *s);
    if (!s) return NULL;
    s->cfg = *c;
    s->sock = -1;
    s->as_blob = c->as_blob;
    snprintf(s->return_address, sizeof s->return_address, "%s", c->return_address);
    atomic_init(&s->running, 1);
    atomic_init(&s->streaming, 0);
    atomic_init(&s->ls.link, MB_LINK_UNKNOWN);
    atomic_init(&s->ls.reopens, 0);
    mb_link_reset(s);
    if (allocate(s) != 0) {
        mb_set_err(err, errlen, "out of memory", NULL);
        release(s);
        return NULL;
    }
    if (mb_resolve(c->host, c->port, &s->ctl_dest, err, errlen) != 0 || open_socket(s, err, errlen) != 0) {
        release(s);
        return NULL;
    }
    s->dest = s->ctl_dest;
    if (pthread_create(&s->thread, NULL, net_main, s) != 0) {
        mb_set_err(err, errlen, "cannot start the network thread", NULL);
        release(s);
        return NULL;
    }
    s->thread_started = 1;
    return s;
}

void mb_stream_destroy(mb_stream *s)
{
    uint8_t pkt[64];
    mb_oscw w;
    size_t len;
    if (!s) return;
    if (atomic_load(&s->streaming)) mb_stream_close(s);
    mb_oscw_begin(&w, pkt, sizeof pkt, MB_ADDR_BYE, "i");
    mb_oscw_int(&w, s->local_port);
    if ((len = mb_oscw_end(&w)) > 0) mb_stream_send_packet(s, pkt, len);
    atomic_store(&s->running, 0);
    if (s->thread_started) pthread_join(s->thread, NULL);
    release(s);
}

