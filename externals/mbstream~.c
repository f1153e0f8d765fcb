/*
 * mbstream~ — Pd front end of mb_core: streams its signal inlet to the mirrorbridge
 * server in blocks (/mb/stream/audio), plays audio the server returns for the same
 * stream id through a jitter buffer, and outputs every other message the server sends
 * (parameter frames, errors, status) from its right outlet.
 *
 *   [mbstream~ <id> <host> <port> <blocksize>]   defaults: 0 127.0.0.1 9130 512
 *
 * Pd runs DSP and messages on one thread; the perform routine only touches lock-free
 * rings. The socket lives on mb_core's network thread. A clock polls for server events.
 */
#include "m_pd.h"
#include "mb_core.h"

#include <stdio.h>
#include <string.h>

#define POLL_INTERVAL_MS 10
#define MAX_EVENTS_PER_POLL 64
#define MAX_OUT_ATOMS 256
#define ERROR_CAUSES 8
#define ERROR_QUIET_MS 5000 /* a cause is posted again only after this long without it */

static t_class *mbstream_tilde_class;

/* One cause of errors (an MB_ERR_ code): posted once, then counted while it repeats. */
typedef struct error_cause {
    t_symbol *code;
    double last; /* logical time of the last occurrence */
    int suppressed;
} error_cause;

typedef struct _mbstream_tilde {
    t_object x_obj;
    t_float x_f;
    mb_stream *x_stream;
    mb_stream_config x_config;
    t_clock *x_poll;
    t_outlet *x_events;
    t_float x_sr;
    uint8_t x_event[MB_SLOT_BYTES];
    t_atom x_atoms[MAX_OUT_ATOMS];
    mb_link x_link; /* last reported */
    error_cause x_causes[ERROR_CAUSES];
    int x_next_cause;
    double x_suppressed;
#if PD_FLOATSIZE == 64
    float *x_in;
    float *x_out;
    int x_n;
#endif
} t_mbstream_tilde;

/* ------------------------------------------------------------------ events */

/* /mb/params 1 7 0.5 -> "params 1 7 0.5"; /mb/param/cutoff 0.3 -> "param cutoff 0.3". */
static void output_event(t_mbstream_tilde *x, const mb_osc_msg *m)
{
    char part[MB_SLOT_BYTES];
    const char *cursor = NULL;
    t_symbol *selector = NULL;
    int n = 0;
    mb_osc_iter it;
    mb_osc_arg a;
    while (mb_osc_address_part(m->address, &cursor, part, sizeof part)) {
        if (!selector) selector = gensym(part);
        else if (n < MAX_OUT_ATOMS) {
            SETSYMBOL(&x->x_atoms[n], gensym(part)); /* SET* are macros: no n++ inside */
            n++;
        }
    }
    if (!selector) return;
    mb_osc_iter_init(&it, m);
    while (n < MAX_OUT_ATOMS && mb_osc_next(&it, &a) == 1) {
        double v;
        t_atom *at = &x->x_atoms[n];
        if (a.type == 's' || a.type == 'S') SETSYMBOL(at, gensym(a.s));
        else if (mb_osc_arg_number(&a, &v)) SETFLOAT(at, (t_float)v);
        else if (a.type == 'b') SETFLOAT(at, (t_float)a.blob_len);
        else continue;
        n++;
    }
    outlet_anything(x->x_events, selector, n, x->x_atoms);
}

static error_cause *find_cause(t_mbstream_tilde *x, t_symbol *code)
{
    int i;
    error_cause *c;
    for (i = 0; i < ERROR_CAUSES; i++)
        if (x->x_causes[i].code == code) return &x->x_causes[i];
    c = &x->x_causes[x->x_next_cause];
    x->x_next_cause = (x->x_next_cause + 1) % ERROR_CAUSES;
    c->code = code;
    c->last = 0;
    c->suppressed = -1; /* new */
    return c;
}

/* /mb/error <code> <message>: one console line and one outlet message per cause; repeats
   within ERROR_QUIET_MS of each other are counted ("stats suppressed") instead. */
static void error_event(t_mbstream_tilde *x, const mb_osc_msg *m)
{
    mb_osc_iter it;
    mb_osc_arg code, text;
    error_cause *c;
    mb_osc_iter_init(&it, m);
    if (mb_osc_next(&it, &code) != 1 || code.type != 's') {
        output_event(x, m);
        return;
    }
    if (mb_osc_next(&it, &text) != 1 || text.type != 's') text.s = "";
    c = find_cause(x, gensym(code.s));
    if (c->suppressed >= 0 && clock_gettimesince(c->last) < ERROR_QUIET_MS) {
        c->suppressed++;
        x->x_suppressed++;
        c->last = clock_getlogicaltime();
        return;
    }
    if (c->suppressed > 0)
        pd_error(x, "mbstream~ %d: %s: %s (%d repeats were not shown)", (int)x->x_config.id, code.s, text.s, c->suppressed);
    else
        pd_error(x, "mbstream~ %d: %s: %s (repeats within %d s are not shown)", (int)x->x_config.id, code.s, text.s, ERROR_QUIET_MS / 1000);
    c->suppressed = 0;
    c->last = clock_getlogicaltime();
    output_event(x, m);
}

static void sort_event(t_mbstream_tilde *x, const mb_osc_msg *m)
{
    mb_stats st;
    if (strcmp(m->address, MB_ADDR_ERROR) != 0) {
        output_event(x, m);
        return;
    }
    mb_stream_stats(x->x_stream, &st);
    /* the bridge lost our stream (a restart): the core is re-opening it, and says so as the link */
    if (st.streaming && mb_osc_is_lost_stream(m, x->x_config.id)) return;
    error_event(x, m);
}

/* "bridge connected|missing|reconnecting" from the outlet and one console line per change. */
static void report_link(t_mbstream_tilde *x)
{
    mb_link link = mb_stream_link(x->x_stream);
    const mb_stream_config *c = mb_stream_get_config(x->x_stream);
    t_atom a;
    if (link == x->x_link || link == MB_LINK_UNKNOWN) return;
    x->x_link = link;
    if (link == MB_LINK_MISSING)
        post("mbstream~ %d: bridge missing: nothing answers at %s:%d (start it with: mirrorbridge serve); still trying",
             (int)c->id, c->host, c->port);
    else if (link == MB_LINK_RECONNECTING)
        post("mbstream~ %d: bridge reconnecting at %s:%d (the stream re-opens by itself)", (int)c->id, c->host, c->port);
    else
        post("mbstream~ %d: bridge connected at %s:%d", (int)c->id, c->host, c->port);
    SETSYMBOL(&a, gensym(mb_link_name(link)));
    outlet_anything(x->x_events, gensym("bridge"), 1, &a);
}

static void mbstream_tilde_poll(t_mbstream_tilde *x)
{
    int i;
    for (i = 0; x->x_stream && i < MAX_EVENTS_PER_POLL; i++) {
        mb_osc_msg m;
        size_t len = mb_stream_poll_event(x->x_stream, x->x_event, sizeof x->x_event);
        if (len == 0) break;
        if (mb_osc_parse(x->x_event, len, &m) == 0) sort_event(x, &m);
    }
    if (x->x_stream) report_link(x);
    clock_delay(x->x_poll, POLL_INTERVAL_MS);
}

/* ------------------------------------------------------------------ helpers */

static int require_stream(t_mbstream_tilde *x)
{
    if (x->x_stream) return 1;
    pd_error(x, "mbstream~: not connected (send 'connect <host> <port>')");
    return 0;
}

static void start_stream(t_mbstream_tilde *x)
{
    char err[256];
    mb_stream_destroy(x->x_stream);
    x->x_stream = mb_stream_create(&x->x_config, err, sizeof err);
    x->x_link = MB_LINK_UNKNOWN;
    if (!x->x_stream) {
        pd_error(x, "mbstream~: %s", err);
        return;
    }
    mb_stream_hello(x->x_stream);
}

/* ----------------------------------------------------------------- methods */

/* open: the last model named (or the server's default); open <model>: that model from now on. */
static void mbstream_tilde_open(t_mbstream_tilde *x, t_symbol *s, int argc, t_atom *argv)
{
    (void)s;
    if (!require_stream(x)) return;
    if (argc > 1 || (argc == 1 && argv[0].a_type != A_SYMBOL)) {
        pd_error(x, "mbstream~: open: expected nothing or a model name, e.g. 'open vqvae-timbre'");
        return;
    }
    if (argc == 1) {
        const char *model = atom_getsymbol(argv)->s_name;
        if (mb_stream_set_model(x->x_stream, model) != 0) {
            pd_error(x, "mbstream~: open: model name longer than %d characters: %s", (int)sizeof x->x_config.model - 1, model);
            return;
        }
        snprintf(x->x_config.model, sizeof x->x_config.model, "%s", model);
    }
    if (mb_stream_open(x->x_stream, x->x_sr > 0 ? x->x_sr : sys_getsr()) != 0)
        pd_error(x, "mbstream~: command queue full, 'open' dropped");
}

static void mbstream_tilde_close(t_mbstream_tilde *x)
{
    if (require_stream(x)) mb_stream_close(x->x_stream);
}

static void mbstream_tilde_hello(t_mbstream_tilde *x)
{
    if (require_stream(x)) mb_stream_hello(x->x_stream);
}

static void mbstream_tilde_connect(t_mbstream_tilde *x, t_symbol *host, t_floatarg port)
{
    char err[256];
    if (port < 1 || port > 65535) {
        pd_error(x, "mbstream~: connect: port must be in [1, 65535], got %g", port);
        return;
    }
    snprintf(x->x_config.host, sizeof x->x_config.host, "%s", host->s_name);
    x->x_config.port = (int)port;
    if (!x->x_stream) {
        start_stream(x);
        return;
    }
    if (mb_stream_connect(x->x_stream, host->s_name, (int)port, err, sizeof err) != 0) {
        pd_error(x, "mbstream~: connect: %s", err);
        return;
    }
    mb_stream_hello(x->x_stream);
}

static void mbstream_tilde_latency(t_mbstream_tilde *x, t_floatarg ms)
{
    t_float sr = x->x_sr > 0 ? x->x_sr : sys_getsr();
    int target = (int)(ms * sr / 1000.);
    if (ms <= 0) {
        pd_error(x, "mbstream~: latency must be > 0 ms, got %g", ms);
        return;
    }
    x->x_config.jitter_target = target;
    x->x_config.jitter_max = 4 * target;
    if (x->x_stream) mb_stream_set_latency(x->x_stream, target, 4 * target);
}

static void mbstream_tilde_blob(t_mbstream_tilde *x, t_floatarg on)
{
    x->x_config.as_blob = on != 0;
    if (x->x_stream) mb_stream_set_blob(x->x_stream, on != 0);
}

static void mbstream_tilde_return(t_mbstream_tilde *x, t_symbol *address)
{
    if (address->s_name[0] != '/' || strlen(address->s_name) >= sizeof x->x_config.return_address) {
        pd_error(x, "mbstream~: return: expected an OSC address like /mb/stream/audio, got %s", address->s_name);
        return;
    }
    snprintf(x->x_config.return_address, sizeof x->x_config.return_address, "%s", address->s_name);
    if (x->x_stream) mb_stream_set_return_address(x->x_stream, address->s_name);
}

/* [send /mb/models/load mymodel( -> any OSC message: floats as 'f', symbols as 's'. */
static void mbstream_tilde_send(t_mbstream_tilde *x, t_symbol *s, int argc, t_atom *argv)
{
    uint8_t pkt[MB_SLOT_BYTES - 1];
    char types[MAX_OUT_ATOMS + 1];
    mb_oscw w;
    int i;
    size_t len;
    (void)s;
    if (!require_stream(x)) return;
    if (argc < 1 || argv[0].a_type != A_SYMBOL || atom_getsymbol(argv)->s_name[0] != '/' || argc > MAX_OUT_ATOMS) {
        pd_error(x, "mbstream~: send: expected an OSC address then arguments, e.g. 'send /mb/models/list'");
        return;
    }
    for (i = 1; i < argc; i++) types[i - 1] = argv[i].a_type == A_SYMBOL ? 's' : 'f';
    types[argc - 1] = '\0';
    mb_oscw_begin(&w, pkt, sizeof pkt, atom_getsymbol(argv)->s_name, types);
    for (i = 1; i < argc; i++) {
        if (argv[i].a_type == A_SYMBOL) mb_oscw_string(&w, atom_getsymbol(argv + i)->s_name);
        else mb_oscw_float(&w, atom_getfloat(argv + i));
    }
    if ((len = mb_oscw_end(&w)) == 0 || mb_stream_send_packet(x->x_stream, pkt, len) != 0)
        pd_error(x, "mbstream~: send: message too long or queue full");
}

static void stat_out(t_mbstream_tilde *x, const char *name, double v)
{
    t_atom a[2];
    SETSYMBOL(&a[0], gensym(name));
    SETFLOAT(&a[1], (t_float)v);
    outlet_anything(x->x_events, gensym("stats"), 2, a);
}

static void mbstream_tilde_stats(t_mbstream_tilde *x)
{
    mb_stats st;
    if (!require_stream(x)) return;
    mb_stream_stats(x->x_stream, &st);
    stat_out(x, "port", mb_stream_local_port(x->x_stream));
    stat_out(x, "streaming", st.streaming);
    stat_out(x, "sent", (double)st.blocks_sent);
    stat_out(x, "send_errors", (double)st.send_errors);
    stat_out(x, "overflow", (double)(st.in_overflow + st.in_dropped_late));
    stat_out(x, "received", (double)st.packets_received);
    stat_out(x, "returned", (double)st.return_samples);
    stat_out(x, "underruns", (double)st.jitter_underruns);
    stat_out(x, "dropped", (double)st.jitter_dropped);
    stat_out(x, "fill", (double)st.jitter_fill);
    stat_out(x, "latency", (double)st.latency_samples);
    stat_out(x, "reopens", (double)st.reopens);
    stat_out(x, "suppressed", x->x_suppressed);
}

/* --------------------------------------------------------------------- DSP */

static t_int *mbstream_tilde_perform(t_int *w)
{
    t_mbstream_tilde *x = (t_mbstream_tilde *)(w[1]);
    t_sample *in = (t_sample *)(w[2]);
    t_sample *out = (t_sample *)(w[3]);
    int n = (int)(w[4]);
    if (!x->x_stream) {
        while (n--) *out++ = 0;
        return w + 5;
    }
#if PD_FLOATSIZE == 64
    {
        int i;
        for (i = 0; i < n; i++) x->x_in[i] = (float)in[i];
        mb_stream_process(x->x_stream, x->x_in, x->x_out, (size_t)n);
        for (i = 0; i < n; i++) out[i] = x->x_out[i];
    }
#else
    mb_stream_process(x->x_stream, in, out, (size_t)n);
#endif
    return w + 5;
}

static void mbstream_tilde_dsp(t_mbstream_tilde *x, t_signal **sp)
{
    t_float sr = sp[0]->s_sr;
    if (x->x_stream && sr != x->x_sr && mb_stream_get_config(x->x_stream)->sample_rate != sr) {
        mb_stats st;
        mb_stream_stats(x->x_stream, &st);
        if (st.streaming) mb_stream_open(x->x_stream, sr); /* re-announce the new rate */
    }
    x->x_sr = sr;
#if PD_FLOATSIZE == 64
    if (x->x_n != sp[0]->s_n) {
        x->x_in = (float *)resizebytes(x->x_in, sizeof(float) * x->x_n, sizeof(float) * sp[0]->s_n);
        x->x_out = (float *)resizebytes(x->x_out, sizeof(float) * x->x_n, sizeof(float) * sp[0]->s_n);
        x->x_n = sp[0]->s_n;
    }
#endif
    dsp_add(mbstream_tilde_perform, 4, x, sp[0]->s_vec, sp[1]->s_vec, (t_int)sp[0]->s_n);
}

/* --------------------------------------------------------------- lifetime */

static void *mbstream_tilde_new(t_symbol *s, int argc, t_atom *argv)
{
    t_mbstream_tilde *x = (t_mbstream_tilde *)pd_new(mbstream_tilde_class);
    (void)s;
    mb_stream_config_defaults(&x->x_config);
    x->x_config.sample_rate = sys_getsr() > 0 ? sys_getsr() : 44100;
    if (argc > 0) x->x_config.id = (int32_t)atom_getfloatarg(0, argc, argv);
    if (argc > 1 && argv[1].a_type == A_SYMBOL)
        snprintf(x->x_config.host, sizeof x->x_config.host, "%s", atom_getsymbolarg(1, argc, argv)->s_name);
    if (argc > 2) x->x_config.port = (int)atom_getfloatarg(2, argc, argv);
    if (argc > 3) x->x_config.block_size = (int)atom_getfloatarg(3, argc, argv);
    x->x_config.jitter_target = 2 * x->x_config.block_size;
    x->x_config.jitter_max = 8 * x->x_config.block_size;
    outlet_new(&x->x_obj, &s_signal);
    x->x_events = outlet_new(&x->x_obj, 0);
    x->x_poll = clock_new(x, (t_method)mbstream_tilde_poll);
    start_stream(x);
    clock_delay(x->x_poll, POLL_INTERVAL_MS);
    return x;
}

static void mbstream_tilde_free(t_mbstream_tilde *x)
{
    clock_free(x->x_poll);
    mb_stream_destroy(x->x_stream);
#if PD_FLOATSIZE == 64
    freebytes(x->x_in, sizeof(float) * x->x_n);
    freebytes(x->x_out, sizeof(float) * x->x_n);
#endif
}

void mbstream_tilde_setup(void)
{
    mbstream_tilde_class = class_new(gensym("mbstream~"), (t_newmethod)mbstream_tilde_new,
        (t_method)mbstream_tilde_free, sizeof(t_mbstream_tilde), CLASS_DEFAULT, A_GIMME, 0);
    CLASS_MAINSIGNALIN(mbstream_tilde_class, t_mbstream_tilde, x_f);
    class_addmethod(mbstream_tilde_class, (t_method)mbstream_tilde_dsp, gensym("dsp"), A_CANT, 0);
    class_addmethod(mbstream_tilde_class, (t_method)mbstream_tilde_open, gensym("open"), A_GIMME, 0);
    class_addmethod(mbstream_tilde_class, (t_method)mbstream_tilde_close, gensym("close"), 0);
    class_addmethod(mbstream_tilde_class, (t_method)mbstream_tilde_hello, gensym("hello"), 0);
    class_addmethod(mbstream_tilde_class, (t_method)mbstream_tilde_connect, gensym("connect"), A_SYMBOL, A_FLOAT, 0);
    class_addmethod(mbstream_tilde_class, (t_method)mbstream_tilde_latency, gensym("latency"), A_FLOAT, 0);
    class_addmethod(mbstream_tilde_class, (t_method)mbstream_tilde_blob, gensym("blob"), A_FLOAT, 0);
    class_addmethod(mbstream_tilde_class, (t_method)mbstream_tilde_return, gensym("return"), A_SYMBOL, 0);
    class_addmethod(mbstream_tilde_class, (t_method)mbstream_tilde_send, gensym("send"), A_GIMME, 0);
    class_addmethod(mbstream_tilde_class, (t_method)mbstream_tilde_stats, gensym("stats"), 0);
    post("mbstream~: mirrorbridge audio streaming (mb_core)");
}
