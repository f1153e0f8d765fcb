/*
 * mb_core — the host-free core shared by the Pd and Max front ends of mbstream~.
 *
 * It streams blocks of audio to the mirrorbridge server as OSC messages
 * (/mb/stream/audio <id> <samples>) over UDP, and plays audio that comes back through a
 * jitter buffer. Three threads touch it, and each part says which one may call it:
 *
 *   audio thread  mb_stream_process() only: no locks, no system calls, no allocation.
 *   control thread (Pd's scheduler / Max's main thread): create, destroy, commands, events.
 *   network thread (owned here): sends, receives, never seen by the host.
 *
 * Threads meet only through single-producer/single-consumer lock-free rings. Every ring is
 * bounded; when one is full the overflow is counted and visible through mb_stream_stats().
 */
#ifndef MB_CORE_H
#define MB_CORE_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------- float ring (SPSC) */

/** A lock-free single-producer/single-consumer ring of floats; capacity is a power of two. */
typedef struct mb_ring {
    float *buf;
    size_t mask;
    _Atomic size_t head; /* total samples written (producer owns) */
    _Atomic size_t tail; /* total samples read (consumer owns) */
} mb_ring;

int mb_ring_init(mb_ring *r, size_t min_capacity);
void mb_ring_free(mb_ring *r);
size_t mb_ring_capacity(const mb_ring *r);
/** Producer: copies up to n samples; returns how many fitted. */
size_t mb_ring_write(mb_ring *r, const float *src, size_t n);
/** Consumer: copies up to n samples out; returns how many were read. */
size_t mb_ring_read(mb_ring *r, float *dst, size_t n);
/** Consumer: discards up to n of the oldest samples; returns how many were discarded. */
size_t mb_ring_skip(mb_ring *r, size_t n);
/** Either side: samples ready to read (a lower bound for the producer). */
size_t mb_ring_available(const mb_ring *r);
/** Either side: free room (a lower bound for the consumer). */
size_t mb_ring_space(const mb_ring *r);

/* ------------------------------------------------------- packet ring (SPSC, slots) */

#define MB_SLOT_BYTES 1536

/** A lock-free SPSC ring of variable-length packets in fixed slots of MB_SLOT_BYTES. */
typedef struct mb_msgring {
    uint8_t *data;
    uint32_t *lens;
    size_t mask;
    _Atomic size_t head;
    _Atomic size_t tail;
} mb_msgring;

int mb_msgring_init(mb_msgring *r, size_t min_slots);
void mb_msgring_free(mb_msgring *r);
/** Producer: copies one packet in; returns 0, or -1 when full or too long. */
int mb_msgring_push(mb_msgring *r, const void *packet, size_t len);
/** Consumer: copies the oldest packet out; returns its length, or 0 when empty. */
size_t mb_msgring_pop(mb_msgring *r, void *dst, size_t cap);

/* -------------------------------------------------------------------- jitter buffer */

/**
 * Returned audio arrives in bursts; the jitter buffer waits until `target` samples are
 * queued before it plays, falls back to priming (silence) on an underrun, and drops the
 * oldest samples when more than `max` are queued so latency cannot grow without bound.
 * Producer: network thread. Consumer: audio thread.
 */
typedef struct mb_jitter {
    mb_ring ring;
    _Atomic size_t target;
    _Atomic size_t max;
    int playing; /* consumer-owned */
    _Atomic uint64_t underruns;
    _Atomic uint64_t dropped_late;  /* samples the consumer dropped to bound latency */
    _Atomic uint64_t dropped_full;  /* samples the producer could not queue */
} mb_jitter;

int mb_jitter_init(mb_jitter *j, size_t capacity, size_t target, size_t max);
void mb_jitter_free(mb_jitter *j);
/** Control thread: sets the priming target and the latency bound (clamped to capacity). */
void mb_jitter_set_target(mb_jitter *j, size_t target, size_t max);
void mb_jitter_push(mb_jitter *j, const float *src, size_t n);
/** Audio thread: always fills all n samples of dst (silence while priming). */
void mb_jitter_pull(mb_jitter *j, float *dst, size_t n);

/* ------------------------------------------------------------------------------ OSC */

/** An OSC message writer over a caller-owned buffer; errors are sticky (err != 0). */
typedef struct mb_oscw {
    uint8_t *buf;
    size_t cap;
    size_t len;
    size_t types_at; /* offset of the next free type tag byte */
    size_t types_end;
    int err;
} mb_oscw;

/** Starts a message; `types` is the full tag string without the leading comma. */
void mb_oscw_begin(mb_oscw *w, uint8_t *buf, size_t cap, const char *address, const char *types);
/** Starts a message whose type tags are `prefix` followed by `nfloats` 'f' tags. */
void mb_oscw_begin_floats(mb_oscw *w, uint8_t *buf, size_t cap, const char *address,
                          const char *prefix, size_t nfloats);
void mb_oscw_int(mb_oscw *w, int32_t v);
void mb_oscw_float(mb_oscw *w, float v);
void mb_oscw_string(mb_oscw *w, const char *s);
void mb_oscw_blob(mb_oscw *w, const void *data, size_t n);
/** Returns the packet length, or 0 when anything did not fit. */
size_t mb_oscw_end(mb_oscw *w);

/** Encodes /<address> <id> <n floats> (as float args, or as one float32 blob). */
size_t mb_osc_encode_audio(uint8_t *buf, size_t cap, const char *address, int32_t id,
                           const float *x, size_t n, int as_blob);

typedef struct mb_osc_msg {
    const char *address;
    const char *types; /* after the comma */
    const uint8_t *args;
    size_t args_len;
} mb_osc_msg;

typedef struct mb_osc_arg {
    char type; /* i f s b d h T F N */
    int32_t i;
    float f;
    double d;
    int64_t h;
    const char *s;
    const uint8_t *blob;
    size_t blob_len;
} mb_osc_arg;

typedef struct mb_osc_iter {
    const mb_osc_msg *msg;
    size_t type_index;
    size_t pos;
} mb_osc_iter;

/** Parses one OSC message (not a bundle); returns 0 or -1 when malformed. */
int mb_osc_parse(const uint8_t *p, size_t n, mb_osc_msg *out);
void mb_osc_iter_init(mb_osc_iter *it, const mb_osc_msg *msg);
/** Returns 1 with the next argument, 0 at the end, -1 when malformed. */
int mb_osc_next(mb_osc_iter *it, mb_osc_arg *arg);
/** Numeric value of an i/f/d/h/T/F argument; returns 0 for others. */
int mb_osc_arg_number(const mb_osc_arg *arg, double *out);
/**
 * Splits an address into host selector parts, without the "/mb" root: "/mb/param/cutoff" gives
 * "param", then "cutoff". Start with *cursor = NULL; returns 1 with the next part in `part`
 * (truncated to cap - 1 characters), 0 when there are no more.
 */
int mb_osc_address_part(const char *address, const char **cursor, char *part, size_t cap);
/** Calls `fn` for every message in a packet, descending into bundles; returns messages seen or -1. */
typedef void (*mb_osc_visit)(const mb_osc_msg *msg, void *ud);
int mb_osc_walk(const uint8_t *p, size_t n, mb_osc_visit fn, void *ud);

/* ---------------------------------------------------------------------------- stream */

#define MB_DEFAULT_HOST "127.0.0.1"
#define MB_DEFAULT_PORT 9130
#define MB_DEFAULT_BLOCK 512
#define MB_MAX_BLOCK 4096
#define MB_ADDR_AUDIO "/mb/stream/audio"
/* Audio the server returns for a stream. Not in the server's address table yet (it sends
   parameter frames, not audio): settable with mb_stream_set_return_address. */
#define MB_ADDR_RETURN "/mb/stream/return"
#define MB_ADDR_OPEN "/mb/stream/open"
#define MB_ADDR_CLOSE "/mb/stream/close"
#define MB_ADDR_OPENED "/mb/stream/opened"
#define MB_ADDR_HELLO "/mb/hello"
#define MB_ADDR_BYE "/mb/bye"
#define MB_ADDR_PING "/mb/ping"
#define MB_ADDR_PONG "/mb/pong"
#define MB_ADDR_ERROR "/mb/error"
#define MB_ERR_UNKNOWN_STREAM "MB_ERR_UNKNOWN_STREAM"

/* The bridge link (UDP has no connection, so the stream pings): */
#define MB_PING_MS 250          /* a /mb/ping this often */
#define MB_LINK_TIMEOUT_MS 1000 /* no answer for this long: the bridge is not answering */
#define MB_MISSING_AFTER_MS 5000 /* reconnecting this much longer: missing */
#define MB_REOPEN_RETRY_MS 1500 /* an unanswered open is re-sent after this long */

/**
 * What the stream knows of the bridge. CONNECTED: it answered within MB_LINK_TIMEOUT_MS (and
 * the stream, if one is wanted, is open or was refused with an error). MISSING: no answer since
 * the stream was created or connected, or for MB_MISSING_AFTER_MS after losing it.
 * RECONNECTING: it answered before and has stopped, or it answers again (or lost the stream:
 * a restart) and the stream is being re-opened with the same settings. UNKNOWN: just started.
 */
typedef enum mb_link { MB_LINK_UNKNOWN = 0, MB_LINK_CONNECTED, MB_LINK_MISSING, MB_LINK_RECONNECTING } mb_link;

typedef struct mb_stream_config {
    char host[128];
    int port;
    int local_port;      /* 0: any free port (reported by mb_stream_local_port) */
    int32_t id;
    int block_size;      /* samples per /mb/stream/audio message */
    double sample_rate;
    int as_blob;         /* 1: one float32 blob per block; 0: float arguments (like [oscformat]) */
    int jitter_target;   /* samples queued before returned audio plays */
    int jitter_max;      /* queued samples above which the oldest are dropped */
    char audio_address[64];  /* outgoing audio */
    char return_address[64]; /* incoming audio for this id */
    char model[64];          /* model named in /mb/stream/open; empty: the server's default */
} mb_stream_config;

typedef struct mb_stats {
    uint64_t blocks_sent;
    uint64_t send_errors;
    uint64_t in_overflow;      /* samples the audio thread could not queue (network stalled) */
    uint64_t in_dropped_late;  /* samples the network thread dropped to catch up */
    uint64_t packets_received;
    uint64_t return_samples;
    uint64_t jitter_underruns;
    uint64_t jitter_dropped;   /* late + full */
    uint64_t events_dropped;
    uint64_t commands_dropped;
    size_t jitter_fill;
    size_t latency_samples;    /* send block + jitter target: what this client adds */
    int streaming;
    uint64_t reopens;          /* opens re-sent by the link (late start, restart, lost stream) */
    mb_link link;
} mb_stats;

typedef struct mb_stream mb_stream;

/** Fills `c` with defaults (loopback, port 9130, id 0, 512-sample blocks, 44.1 kHz). */
void mb_stream_config_defaults(mb_stream_config *c);
/** Control thread: allocates everything, opens the socket, starts the network thread. */
mb_stream *mb_stream_create(const mb_stream_config *c, char *err, size_t errlen);
/** Control thread: sends /mb/stream/close and /mb/bye if open, stops and joins the thread. */
void mb_stream_destroy(mb_stream *s);

/** Audio thread: queues n input samples (when streaming) and fills n output samples. */
void mb_stream_process(mb_stream *s, const float *in, float *out, size_t n);

/* Control thread. Each returns 0, or -1 with a reason in err. */
int mb_stream_connect(mb_stream *s, const char *host, int port, char *err, size_t errlen);
int mb_stream_hello(mb_stream *s);
/**
 * Opens the stream on the model of the last mb_stream_set_model (or the server's default) and
 * keeps it open: the network thread re-sends /mb/hello and this open when the bridge starts
 * late, comes back after a restart, or answers MB_ERR_UNKNOWN_STREAM for this id.
 */
int mb_stream_open(mb_stream *s, double sample_rate);
int mb_stream_close(mb_stream *s);
/** Sets the model of the next mb_stream_open ("" for the server's default); -1 when too long. */
int mb_stream_set_model(mb_stream *s, const char *model);
/** Any thread: what the stream knows of the bridge now. */
mb_link mb_stream_link(const mb_stream *s);
/** "connected", "missing", "reconnecting" or "unknown". */
const char *mb_link_name(mb_link link);
/** 1 when `m` is /mb/error MB_ERR_UNKNOWN_STREAM about stream `id` (the bridge lost it). */
int mb_osc_is_lost_stream(const mb_osc_msg *m, int32_t id);
/** Sets the jitter target and bound in samples. */
void mb_stream_set_latency(mb_stream *s, int target, int max);
void mb_stream_set_blob(mb_stream *s, int as_blob);
int mb_stream_set_return_address(mb_stream *s, const char *address);
/** Queues any pre-encoded OSC packet for sending. */
int mb_stream_send_packet(mb_stream *s, const uint8_t *packet, size_t len);
/** Pops one received non-audio OSC message (raw bytes); returns its length or 0. */
size_t mb_stream_poll_event(mb_stream *s, uint8_t *dst, size_t cap);
int mb_stream_local_port(const mb_stream *s);
void mb_stream_stats(const mb_stream *s, mb_stats *out);
const mb_stream_config *mb_stream_get_config(const mb_stream *s);

#ifdef __cplusplus
}
#endif

#endif /* MB_CORE_H */
