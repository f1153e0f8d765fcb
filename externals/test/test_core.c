/*
 * Unit test of mb_core without Pd: rings, jitter buffer, OSC codec, and one stream
 * talking to a UDP socket on loopback. `make check` builds and runs it; exit 0 = pass.
 */
#define _DEFAULT_SOURCE
#include "mb_core.h"

#include <arpa/inet.h>
#include <math.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int failures = 0;
#define CHECK(cond)                                                         \
    do {                                                                    \
        if (!(cond)) {                                                      \
            fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond); \
            failures++;                                                     \
        }                                                                   \
    } while (0)

static void test_address_parts(void)
{
    const char *cursor = NULL;
    char part[8];
    CHECK(mb_osc_address_part("/mb/param/cutoff", &cursor, part, sizeof part) == 1);
    CHECK(strcmp(part, "param") == 0);
    CHECK(mb_osc_address_part("/mb/param/cutoff", &cursor, part, sizeof part) == 1);
    CHECK(strcmp(part, "cutoff") == 0);
    CHECK(mb_osc_address_part("/mb/param/cutoff", &cursor, part, sizeof part) == 0);
    cursor = NULL;
    CHECK(mb_osc_address_part("/other//x/verylongpart", &cursor, part, sizeof part) == 1);
    CHECK(strcmp(part, "other") == 0);
    CHECK(mb_osc_address_part("/other//x/verylongpart", &cursor, part, sizeof part) == 1);
    CHECK(strcmp(part, "x") == 0);
    CHECK(mb_osc_address_part("/other//x/verylongpart", &cursor, part, sizeof part) == 1);
    CHECK(strcmp(part, "verylon") == 0);
    CHECK(mb_osc_address_part("/other//x/verylongpart", &cursor, part, sizeof part) == 0);
}

static void test_ring(void)
{
    mb_ring r;
    float in[10], out[10];
    int i, round;
    CHECK(mb_ring_init(&r, 12) == 0);
    CHECK(mb_ring_capacity(&r) == 16);
    for (round = 0; round < 5; round++) { /* wraps around several times */
        for (i = 0; i < 10; i++) in[i] = (float)(round * 10 + i);
        CHECK(mb_ring_write(&r, in, 10) == 10);
        CHECK(mb_ring_available(&r) == 10);
        CHECK(mb_ring_read(&r, out, 10) == 10);
        CHECK(memcmp(in, out, sizeof in) == 0);
    }
    CHECK(mb_ring_write(&r, in, 10) == 10);
    CHECK(mb_ring_write(&r, in, 10) == 6); /* full: only what fits */
    CHECK(mb_ring_space(&r) == 0);
    CHECK(mb_ring_skip(&r, 4) == 4);
    CHECK(mb_ring_read(&r, out, 1) == 1 && out[0] == in[4]);
    mb_ring_free(&r);
}

static void test_msgring(void)
{
    mb_msgring r;
    char buf[MB_SLOT_BYTES];
    CHECK(mb_msgring_init(&r, 2) == 0);
    CHECK(mb_msgring_push(&r, "abc", 3) == 0);
    CHECK(mb_msgring_push(&r, "defg", 4) == 0);
    CHECK(mb_msgring_push(&r, "x", 1) == -1); /* full */
    CHECK(mb_msgring_pop(&r, buf, sizeof buf) == 3 && memcmp(buf, "abc", 3) == 0);
    CHECK(mb_msgring_pop(&r, buf, sizeof buf) == 4 && memcmp(buf, "defg", 4) == 0);
    CHECK(mb_msgring_pop(&r, buf, sizeof buf) == 0);
    CHECK(mb_msgring_push(&r, buf, MB_SLOT_BYTES + 1) == -1);
    mb_msgring_free(&r);
}

static void test_jitter(void)
{
    mb_jitter j;
    float block[64], out[64];
    int i;
    for (i = 0; i < 64; i++) block[i] = (float)(i + 1);
    CHECK(mb_jitter_init(&j, 1024, 128, 256) == 0);
    mb_jitter_push(&j, block, 64);
    mb_jitter_pull(&j, out, 64);
    CHECK(out[0] == 0 && out[63] == 0); /* priming: below target plays silence */
    mb_jitter_push(&j, block, 64);
    mb_jitter_pull(&j, out, 64);
    CHECK(out[0] == 1 && out[63] == 64); /* target reached: plays in order */
    mb_jitter_pull(&j, out, 64);
    mb_jitter_pull(&j, out, 64);
    CHECK(out[0] == 0 && atomic_load(&j.underruns) == 1); /* ran dry: silence, counted */
    for (i = 0; i < 6; i++) mb_jitter_push(&j, block, 64); /* 384 queued > max 256 */
    mb_jitter_pull(&j, out, 64);
    CHECK(atomic_load(&j.dropped_late) == 384 - 128);
    CHECK(mb_ring_available(&j.ring) == 128 - 64);
    mb_jitter_free(&j);
}

static void test_osc(void)
{
    uint8_t buf[4096];
    float x[5] = {0.5f, -1.0f, 0.25f, 0.0f, 1e-3f};
    mb_osc_msg m;
    mb_osc_iter it;
    mb_osc_arg a;
    size_t len;
    int i;
    /* float arguments, as Pd's [oscformat] sends them */
    len = mb_osc_encode_audio(buf, sizeof buf, "/mb/stream/audio", 7, x, 5, 0);
    CHECK(len == 20 + 8 + 4 + 20);
    CHECK(mb_osc_parse(buf, len, &m) == 0);
    CHECK(strcmp(m.address, "/mb/stream/audio") == 0 && strcmp(m.types, "ifffff") == 0);
    mb_osc_iter_init(&it, &m);
    CHECK(mb_osc_next(&it, &a) == 1 && a.type == 'i' && a.i == 7);
    for (i = 0; i < 5; i++) CHECK(mb_osc_next(&it, &a) == 1 && a.f == x[i]);
    CHECK(mb_osc_next(&it, &a) == 0);
    /* one float32 blob, little-endian samples */
    len = mb_osc_encode_audio(buf, sizeof buf, "/mb/stream/audio", 7, x, 5, 1);
    CHECK(mb_osc_parse(buf, len, &m) == 0 && strcmp(m.types, "ib") == 0);
    mb_osc_iter_init(&it, &m);
    CHECK(mb_osc_next(&it, &a) == 1);
    CHECK(mb_osc_next(&it, &a) == 1 && a.type == 'b' && a.blob_len == 20);
    CHECK(a.blob[0] == 0 && a.blob[3] == 0x3f); /* 0.5f = 0x3f000000, little-endian */
    /* too small a buffer fails cleanly */
    CHECK(mb_osc_encode_audio(buf, 32, "/mb/stream/audio", 7, x, 5, 0) == 0);
    /* malformed input is refused */
    CHECK(mb_osc_parse((const uint8_t *)"/ab", 3, &m) == -1);
    CHECK(mb_osc_parse((const uint8_t *)"nope", 4, &m) == -1);
}

static int visited;
static void count_visit(const mb_osc_msg *m, void *ud)
{
    (void)ud;
    if (strcmp(m->address, "/mb/params") == 0) visited++;
}

static void test_bundle(void)
{
    uint8_t msg[64], bundle[256];
    mb_oscw w;
    size_t len, at = 16;
    int k;
    mb_oscw_begin(&w, msg, sizeof msg, "/mb/params", "iif");
    mb_oscw_int(&w, 1);
    mb_oscw_int(&w, 9);
    mb_oscw_float(&w, 0.5f);
    len = mb_oscw_end(&w);
    CHECK(len > 0);
    memcpy(bundle, "#bundle\0\0\0\0\0\0\0\0\1", 16);
    for (k = 0; k < 2; k++) {
        bundle[at] = 0; bundle[at + 1] = 0; bundle[at + 2] = 0; bundle[at + 3] = (uint8_t)len;
        memcpy(bundle + at + 4, msg, len);
        at += 4 + len;
    }
    visited = 0;
    CHECK(mb_osc_walk(bundle, at, count_visit, NULL) == 2);
    CHECK(visited == 2);
    bundle[19] = 200; /* element longer than the bundle */
    CHECK(mb_osc_walk(bundle, at, count_visit, NULL) == -1);
}

/* ------------------------------------------------ a stream against a fake server */

static int server_socket(int *port)
{
    struct sockaddr_in a;
    socklen_t len = sizeof a;
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd, (struct sockaddr *)&a, sizeof a);
    getsockname(fd, (struct sockaddr *)&a, &len);
    *port = ntohs(a.sin_port);
    return fd;
}

static ssize_t receive(int fd, uint8_t *buf, size_t cap, struct sockaddr_in *from)
{
    struct pollfd p = {fd, POLLIN, 0};
    socklen_t len = sizeof *from;
    if (poll(&p, 1, 2000) <= 0) return -1;
    return recvfrom(fd, buf, cap, 0, (struct sockaddr *)from, &len);
}

static void test_stream(void)
{
    mb_stream_config c;
    mb_stream *s;
    mb_stats st;
    struct sockaddr_in from;
    uint8_t buf[8192];
    float in[64], out[64], back[256];
    char err[128];
    int port, fd = server_socket(&port), i, audio = 0, got_open = 0, got_hello = 0;
    mb_osc_msg m;
    mb_osc_iter it;
    mb_osc_arg a;
    ssize_t n;
    size_t len;

    mb_stream_config_defaults(&c);
    c.port = port;
    c.id = 3;
    c.block_size = 128;
    c.jitter_target = 128;
    c.jitter_max = 1024;
    s = mb_stream_create(&c, err, sizeof err);
    CHECK(s != NULL);
    if (!s) return;
    CHECK(mb_stream_local_port(s) > 0);
    mb_stream_hello(s);
    mb_stream_open(s, 48000);
    for (i = 0; i < 64; i++) in[i] = (float)i / 64.f;
    for (i = 0; i < 4; i++) mb_stream_process(s, in, out, 64); /* 256 samples = 2 blocks */

    while (audio < 2 && (n = receive(fd, buf, sizeof buf, &from)) > 0) {
        CHECK(mb_osc_parse(buf, (size_t)n, &m) == 0);
        mb_osc_iter_init(&it, &m);
        if (strcmp(m.address, "/mb/hello") == 0) {
            got_hello = mb_osc_next(&it, &a) == 1 && a.i == mb_stream_local_port(s);
        } else if (strcmp(m.address, "/mb/stream/open") == 0) {
            mb_osc_next(&it, &a);
            got_open = a.i == 3;
            mb_osc_next(&it, &a);
            got_open = got_open && a.i == 48000;
        } else if (strcmp(m.address, "/mb/stream/audio") == 0) {
            CHECK(strlen(m.types) == 129);
            mb_osc_next(&it, &a);
            mb_osc_next(&it, &a);
            CHECK(a.f == 0.f);
            audio++;
        }
    }
    CHECK(got_hello && got_open && audio == 2);

    /* the server answers with audio for our id and a parameter frame */
    for (i = 0; i < 256; i++) back[i] = 0.25f;
    len = mb_osc_encode_audio(buf, sizeof buf, MB_ADDR_RETURN, 3, back, 256, 1);
    sendto(fd, buf, len, 0, (struct sockaddr *)&from, sizeof from);
    {
        mb_oscw w;
        mb_oscw_begin(&w, buf, sizeof buf, "/mb/params", "iif");
        mb_oscw_int(&w, 3);
        mb_oscw_int(&w, 1);
        mb_oscw_float(&w, 0.75f);
        len = mb_oscw_end(&w);
        sendto(fd, buf, len, 0, (struct sockaddr *)&from, sizeof from);
    }
    for (i = 0; i < 200 && mb_stream_poll_event(s, buf, sizeof buf) == 0; i++) usleep(10000);
    CHECK(mb_osc_parse(buf, 32, &m) == 0 && strcmp(m.address, "/mb/params") == 0);
    mb_stream_process(s, in, out, 64);
    CHECK(fabsf(out[0] - 0.25f) < 1e-6f && fabsf(out[63] - 0.25f) < 1e-6f);
    mb_stream_stats(s, &st);
    CHECK(st.blocks_sent >= 2 && st.return_samples == 256 && st.streaming == 1);
    CHECK(st.latency_samples == 128 + 128);

    mb_stream_destroy(s);
    {
        int closed = 0, bye = 0;
        while ((!closed || !bye) && (n = receive(fd, buf, sizeof buf, &from)) > 0) {
            if (mb_osc_parse(buf, (size_t)n, &m) != 0) continue;
            if (strcmp(m.address, "/mb/stream/close") == 0) closed = 1;
            if (strcmp(m.address, "/mb/bye") == 0) bye = 1;
        }
        CHECK(closed && bye);
    }
    close(fd);

    c.port = 0;
    CHECK(mb_stream_create(&c, err, sizeof err) == NULL && strstr(err, "port") != NULL);
    mb_stream_config_defaults(&c);
    c.block_size = 5;
    CHECK(mb_stream_create(&c, err, sizeof err) == NULL && strstr(err, "block size") != NULL);
}

int main(void)
{
    test_ring();
    test_msgring();
    test_jitter();
    test_osc();
    test_address_parts();
    test_bundle();
    test_stream();
    if (failures) {
        fprintf(stderr, "mb_core: %d check(s) failed\n", failures);
        return 1;
    }
    printf("mb_core: all checks passed\n");
    return 0;
}
