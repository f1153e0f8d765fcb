/*
 * Private to mb_core: the stream's state, shared by mb_stream.c (lifetime and network
 * thread) and mb_control.c (control-thread verbs and the audio-thread entry point).
 */
#ifndef MB_STREAM_IMPL_H
#define MB_STREAM_IMPL_H

#include "mb_core.h"

#include <netinet/in.h>
#include <pthread.h>
#include <stddef.h>

#define RX_BYTES 65536
#define RX_FLOATS (RX_BYTES / 4)
#define POLL_MS 1
#define BACKLOG_BLOCKS 4

enum { CMD_SEND = 1, CMD_DEST, CMD_BLOB, CMD_RETURN, CMD_OPEN, CMD_CLOSE };

#define OPEN_PACKET_BYTES 256

/* The link's state (network thread only, except `link`, which any thread may read). */
typedef struct mb_link_state {
    int64_t since_ms;    /* created or re-pointed */
    int64_t heard_ms;    /* last packet from the bridge */
    int64_t ping_ms;     /* last ping sent */
    int64_t open_ms;     /* last open sent */
    int ever_heard;
    int32_t ping_count;
    int want_stream;     /* opened and not closed by the user */
    int confirmed;       /* /mb/stream/opened for this id since the last open */
    int refused;         /* an /mb/error came while the open was unconfirmed: stop retrying */
    int recovering;      /* the link re-sent the open and waits for its answer */
    uint8_t open_packet[OPEN_PACKET_BYTES];
    size_t open_len;
    atomic_int link;
    _Atomic uint64_t reopens;
} mb_link_state;

struct mb_stream {
    mb_stream_config cfg; /* control thread's view */
    struct sockaddr_in ctl_dest;
    int local_port;

    /* network thread only */
    int sock;
    struct sockaddr_in dest;
    int as_blob;
    char return_address[64];
    float *block;
    float *rx_floats;
    uint8_t *packet;
    size_t packet_cap;
    uint8_t *rx;
    uint8_t cmd[MB_SLOT_BYTES];

    pthread_t thread;
    int thread_started;
    atomic_int running;
    atomic_int streaming;

    mb_ring input;
    mb_jitter output;
    mb_msgring commands; /* control -> network */
    mb_msgring events;   /* network -> control */
    mb_link_state ls;

    _Atomic uint64_t blocks_sent, send_errors, in_overflow, in_dropped_late;
    _Atomic uint64_t packets_received, return_samples, events_dropped, commands_dropped;
};

void mb_set_err(char *err, size_t errlen, const char *what, const char *detail);
int mb_resolve(const char *host, int port, struct sockaddr_in *out, char *err, size_t errlen);
int mb_push_command(mb_stream *s, int type, const void *data, size_t len);
void mb_send_raw(mb_stream *s, const uint8_t *p, size_t len);

/* mb_link.c, network thread */
int64_t mb_now_ms(void);
void mb_link_reset(mb_stream *s);
void mb_link_open(mb_stream *s, const uint8_t *packet, size_t len);
void mb_link_close(mb_stream *s, const uint8_t *packet, size_t len);
/** Notes a message from the bridge; returns 1 when it is the answer to our own ping (not passed on). */
int mb_link_heard(mb_stream *s, const mb_osc_msg *m);
/** Pings, times out, re-opens: once per loop of the network thread. */
void mb_link_tick(mb_stream *s);

#endif /* MB_STREAM_IMPL_H */
