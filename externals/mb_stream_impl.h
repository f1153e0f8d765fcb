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

enum { CMD_SEND = 1, CMD_DEST, CMD_BLOB, CMD_RETURN, CMD_FLUSH_INPUT };

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

    _Atomic uint64_t blocks_sent, send_errors, in_overflow, in_dropped_late;
    _Atomic uint64_t packets_received, return_samples, events_dropped, commands_dropped;
};

void mb_set_err(char *err, size_t errlen, const char *what, const char *detail);
int mb_resolve(const char *host, int port, struct sockaddr_in *out, char *err, size_t errlen);
int mb_push_command(mb_stream *s, int type, const void *data, size_t len);

#endif /* MB_STREAM_IMPL_H */
