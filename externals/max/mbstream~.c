/*
 * mbstream~ for Max — UNTESTED: the Max SDK is not available where this project is built
 * and tested, so this file has never been compiled. It wraps the same host-free core
 * (../mb_core.h) as the Pd external, which is built and tested; see README.md here for how
 * to build it with the Max SDK (max-sdk-base) and what to check first.
 *
 *   [mbstream~ <id> <host> <port> <blocksize>]   defaults: 0 127.0.0.1 9130 512
 *
 * Max's audio thread calls perform64 with double vectors; they are converted to float
 * through buffers allocated in dsp64 (never in perform). Server events are polled by a
 * clock on the main thread and leave the right outlet as "<address parts> <arguments>".
 */
#include "ext.h"
#include "ext_obex.h"
#include "z_dsp.h"

#include "../mb_core.h"

#include <string.h>

#define POLL_INTERVAL_MS 10
#define MAX_EVENTS_PER_POLL 64
#define MAX_OUT_ATOMS 256

typedef struct _mbstream {
    t_pxobject ob;
    mb_stream *stream;
    mb_stream_config config;
    void *poll;
    void *events;
    double sr;
    float *in;
    float *out;
    long n;
    uint8_t event[MB_SLOT_BYTES];
    t_atom atoms[MAX_OUT_ATOMS];
} t_mbstream;

static t_class *mbstream_class;

static void output_event(t_mbstream *x, const mb_osc_msg *m)
{
    char part[MB_SLOT_BYTES];
    const char *cursor = NULL;
    t_symbol *selector = NULL;
    long n = 0;
    mb_osc_iter it;
    mb_osc_arg a;
    while (mb_osc_address_part(m->address, &cursor, part, sizeof part)) {
        if (!selector) selector = gensym(part);
        else if (n < MAX_OUT_ATOMS) atom_setsym(&x->atoms[n++], gensym(part));
    }
    if (!selector) return;
    mb_osc_iter_init(&it, m);
    while (n < MAX_OUT_ATOMS && mb_osc_next(&it, &a) == 1) {
        double v;
        if (a.type == 's' || a.type == 'S') atom_setsym(&x->atoms[n++], gensym(a.s));
        else if (mb_osc_arg_number(&a, &v)) atom_setfloat(&x->atoms[n++], v);
    }
    outlet_anything(x->events, selector, (short)n, x->atoms);
}

static void mbstream_poll(t_mbstream *x)
{
    int i;
    for (i = 0; x->stream && i < MAX_EVENTS_PER_POLL; i++) {
        mb_osc_msg m;
        size_t len = mb_stream_poll_event(x->stream, x->event, sizeof x->event);
        if (len == 0) break;
        if (mb_osc_parse(x->event, len, &m) == 0) output_event(x, &m);
    }
    clock_fdelay(x->poll, POLL_INTERVAL_MS);
}

static void start_stream(t_mbstream *x)
{
    char err[256];
    mb_stream_destroy(x->stream);
    x->stream = mb_stream_create(&x->config, err, sizeof err);
    if (!x->stream) {
        object_error((t_object *)x, "%s", err);
        return;
    }
    mb_stream_hello(x->stream);
}

static void mbstream_open(t_mbstream *x)
{
    if (x->stream) mb_stream_open(x->stream, x->sr > 0 ? x->sr : sys_getsr());
}

static void mbstream_close(t_mbstream *x)
{
    if (x->stream) mb_stream_close(x->stream);
}

static void mbstream_connect(t_mbstream *x, t_symbol *host, long port)
{
    char err[256];
    strncpy_zero(x->config.host, host->s_name, sizeof x->config.host);
    x->config.port = (int)port;
    if (!x->stream) {
        start_stream(x);
        return;
    }
    if (mb_stream_connect(x->stream, host->s_name, (int)port, err, sizeof err) != 0) object_error((t_object *)x, "connect: %s", err);
    else mb_stream_hello(x->stream);
}

static void mbstream_latency(t_mbstream *x, double ms)
{
    int target = (int)(ms * (x->sr > 0 ? x->sr : sys_getsr()) / 1000.);
    if (ms <= 0) {
        object_error((t_object *)x, "latency must be > 0 ms, got %f", ms);
        return;
    }
    x->config.jitter_target = target;
    x->config.jitter_max = 4 * target;
    if (x->stream) mb_stream_set_latency(x->stream, target, 4 * target);
}

static void mbstream_send(t_mbstream *x, t_symbol *s, long argc, t_atom *argv)
{
    uint8_t pkt[MB_SLOT_BYTES - 1];
    char types[MAX_OUT_ATOMS + 1];
    mb_oscw w;
    long i;
    size_t len;
    if (!x->stream || argc < 1 || atom_gettype(argv) != A_SYM || argc > MAX_OUT_ATOMS) {
        object_error((t_object *)x, "send: expected an OSC address then arguments");
        return;
    }
    for (i = 1; i < argc; i++) types[i - 1] = atom_gettype(argv + i) == A_SYM ? 's' : 'f';
    types[argc - 1] = '\0';
    mb_oscw_begin(&w, pkt, sizeof pkt, atom_getsym(argv)->s_name, types);
    for (i = 1; i < argc; i++) {
        if (atom_gettype(argv + i) == A_SYM) mb_oscw_string(&w, atom_getsym(argv + i)->s_name);
        else mb_oscw_float(&w, (float)atom_getfloat(argv + i));
    }
    if ((len = mb_oscw_end(&w)) == 0 || mb_stream_send_packet(x->stream, pkt, len) != 0)
        object_error((t_object *)x, "send: message too long or queue full");
}

static void mbstream_stats(t_mbstream *x)
{
    mb_stats st;
    t_atom a[2];
    if (!x->stream) return;
    mb_stream_stats(x->stream, &st);
#define STAT(name, value) (atom_setsym(&a[0], gensym(name)), atom_setfloat(&a[1], (double)(value)), outlet_anything(x->events, gensym("stats"), 2, a))
    STAT("port", mb_stream_local_port(x->stream));
    STAT("streaming", st.streaming);
    STAT("sent", st.blocks_sent);
    STAT("overflow", st.in_overflow + st.in_dropped_late);
    STAT("returned", st.return_samples);
    STAT("underruns", st.jitter_underruns);
    STAT("dropped", st.jitter_dropped);
    STAT("latency", st.latency_samples);
#undef STAT
}

static void mbstream_perform64(t_mbstream *x, t_object *dsp64, double **ins, long numins, double **outs,
                               long numouts, long sampleframes, long flags, void *userparam)
{
    long i;
    if (!x->stream || sampleframes > x->n) {
        memset(outs[0], 0, sizeof(double) * sampleframes);
        return;
    }
    for (i = 0; i < sampleframes; i++) x->in[i] = (float)ins[0][i];
    mb_stream_process(x->stream, x->in, x->out, (size_t)sampleframes);
    for (i = 0; i < sampleframes; i++) outs[0][i] = x->out[i];
}

static void mbstream_dsp64(t_mbstream *x, t_object *dsp64, short *count, double samplerate, long maxvectorsize, long flags)
{
    if (maxvectorsize > x->n) {
        sysmem_freeptr(x->in);
        sysmem_freeptr(x->out);
        x->in = (float *)sysmem_newptrclear(sizeof(float) * maxvectorsize);
        x->out = (float *)sysmem_newptrclear(sizeof(float) * maxvectorsize);
        x->n = (x->in && x->out) ? maxvectorsize : 0;
    }
    x->sr = samplerate;
    object_method(dsp64, gensym("dsp_add64"), x, mbstream_perform64, 0, NULL);
}

static void mbstream_assist(t_mbstream *x, void *b, long io, long index, char *s)
{
    if (io == ASSIST_INLET) strncpy_zero(s, "(signal) audio to stream; open, close, connect, latency, send, stats", 512);
    else if (index == 0) strncpy_zero(s, "(signal) audio returned by the server", 512);
    else strncpy_zero(s, "server messages: params, stream, error, stats ...", 512);
}

static void *mbstream_new(t_symbol *s, long argc, t_atom *argv)
{
    t_mbstream *x = (t_mbstream *)object_alloc(mbstream_class);
    if (!x) return NULL;
    dsp_setup((t_pxobject *)x, 1);
    x->events = outlet_new(x, NULL); /* Max creates outlets right to left */
    outlet_new(x, "signal");
    mb_stream_config_defaults(&x->config);
    x->config.sample_rate = sys_getsr() > 0 ? sys_getsr() : 44100;
    if (argc > 0) x->config.id = (int32_t)atom_getlong(argv);
    if (argc > 1 && atom_gettype(argv + 1) == A_SYM) strncpy_zero(x->config.host, atom_getsym(argv + 1)->s_name, sizeof x->config.host);
    if (argc > 2) x->config.port = (int)atom_getlong(argv + 2);
    if (argc > 3) x->config.block_size = (int)atom_getlong(argv + 3);
    x->config.jitter_target = 2 * x->config.block_size;
    x->config.jitter_max = 8 * x->config.block_size;
    x->poll = clock_new(x, (method)mbstream_poll);
    start_stream(x);
    clock_fdelay(x->poll, POLL_INTERVAL_MS);
    return x;
}

static void mbstream_free(t_mbstream *x)
{
    dsp_free((t_pxobject *)x);
    object_free(x->poll);
    mb_stream_destroy(x->stream);
    sysmem_freeptr(x->in);
    sysmem_freeptr(x->out);
}

void ext_main(void *r)
{
    t_class *c = class_new("mbstream~", (method)mbstream_new, (method)mbstream_free, sizeof(t_mbstream), 0L, A_GIMME, 0);
    class_addmethod(c, (method)mbstream_dsp64, "dsp64", A_CANT, 0);
    class_addmethod(c, (method)mbstream_assist, "assist", A_CANT, 0);
    class_addmethod(c, (method)mbstream_open, "open", 0);
    class_addmethod(c, (method)mbstream_close, "close", 0);
    class_addmethod(c, (method)mbstream_connect, "connect", A_SYM, A_LONG, 0);
    class_addmethod(c, (method)mbstream_latency, "latency", A_FLOAT, 0);
    class_addmethod(c, (method)mbstream_send, "send", A_GIMME, 0);
    class_addmethod(c, (method)mbstream_stats, "stats", 0);
    class_dspinit(c);
    class_register(CLASS_BOX, c);
    mbstream_class = c;
}
