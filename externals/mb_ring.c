/*
 * Lock-free SPSC rings and the jitter buffer of mb_core (see mb_core.h for the threading
 * contract). Indices count forever and are masked on access, so full and empty differ
 * without a spare slot. Release stores publish data; acquire loads observe it.
 */
#include "mb_core.h"

#include <stdlib.h>
#include <string.h>

static size_t next_pow2(size_t n)
{
    size_t p = 1;
    while (p < n) p <<= 1;
    return p;
}

int mb_ring_init(mb_ring *r, size_t min_capacity)
{
    size_t cap = next_pow2(min_capacity < 2 ? 2 : min_capacity);
    r->buf = (float *)calloc(cap, sizeof(float));
    if (!r->buf) return -1;
    r->mask = cap - 1;
    atomic_init(&r->head, 0);
    atomic_init(&r->tail, 0);
    return 0;
}

void mb_ring_free(mb_ring *r)
{
    free(r->buf);
    r->buf = NULL;
}

size_t mb_ring_capacity(const mb_ring *r)
{
    return r->mask + 1;
}

size_t mb_ring_available(const mb_ring *r)
{
    size_t head = atomic_load_explicit(&((mb_ring *)r)->head, memory_order_acquire);
    size_t tail = atomic_load_explicit(&((mb_ring *)r)->tail, memory_order_acquire);
    return head - tail;
}

size_t mb_ring_space(const mb_ring *r)
{
    return mb_ring_capacity(r) - mb_ring_available(r);
}

size_t mb_ring_write(mb_ring *r, const float *src, size_t n)
{
    size_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
    size_t tail = atomic_load_explicit(&r->tail, memory_order_acquire);
    size_t space = mb_ring_capacity(r) - (head - tail);
    size_t todo = n < space ? n : space;
    size_t at = head & r->mask;
    size_t first = mb_ring_capacity(r) - at;
    if (first > todo) first = todo;
    memcpy(r->buf + at, src, first * sizeof(float));
    memcpy(r->buf, src + first, (todo - first) * sizeof(float));
    atomic_store_explicit(&r->head, head + todo, memory_order_release);
    return todo;
}

size_t mb_ring_read(mb_ring *r, float *dst, size_t n)
{
    size_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
    size_t head = atomic_load_explicit(&r->head, memory_order_acquire);
    size_t avail = head - tail;
    size_t todo = n < avail ? n : avail;
    size_t at = tail & r->mask;
    size_t first = mb_ring_capacity(r) - at;
    if (first > todo) first = todo;
    memcpy(dst, r->buf + at, first * sizeof(float));
    memcpy(dst + first, r->buf, (todo - first) * sizeof(float));
    atomic_store_explicit(&r->tail, tail + todo, memory_order_release);
    return todo;
}

size_t mb_ring_skip(mb_ring *r, size_t n)
{
    size_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
    size_t head = atomic_load_explicit(&r->head, memory_order_acquire);
    size_t avail = head - tail;
    size_t todo = n < avail ? n : avail;
    atomic_store_explicit(&r->tail, tail + todo, memory_order_release);
    return todo;
}

/* ------------------------------------------------------------------------ packets */

int mb_msgring_init(mb_msgring *r, size_t min_slots)
{
    size_t slots = next_pow2(min_slots < 2 ? 2 : min_slots);
    r->data = (uint8_t *)malloc(slots * MB_SLOT_BYTES);
    r->lens = (uint32_t *)calloc(slots, sizeof(uint32_t));
    if (!r->data || !r->lens) {
        free(r->data);
        free(r->lens);
        r->data = NULL;
        r->lens = NULL;
        return -1;
    }
    r->mask = slots - 1;
    atomic_init(&r->head, 0);
    atomic_init(&r->tail, 0);
    return 0;
}

void mb_msgring_free(mb_msgring *r)
{
    free(r->data);
    free(r->lens);
    r->data = NULL;
    r->lens = NULL;
}

int mb_msgring_push(mb_msgring *r, const void *packet, size_t len)
{
    size_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
    size_t tail = atomic_load_explicit(&r->tail, memory_order_acquire);
    size_t slot;
    if (len == 0 || len > MB_SLOT_BYTES || head - tail > r->mask) return -1;
    slot = head & r->mask;
    memcpy(r->data + slot * MB_SLOT_BYTES, packet, len);
    r->lens[slot] = (uint32_t)len;
    atomic_store_explicit(&r->head, head + 1, memory_order_release);
    return 0;
}

size_t mb_msgring_pop(mb_msgring *r, void *dst, size_t cap)
{
    size_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
    size_t head = atomic_load_explicit(&r->head, memory_order_acquire);
    size_t slot, len;
    if (head == tail) return 0;
    slot = tail & r->mask;
    len = r->lens[slot];
    if (len > cap) len = 0; /* caller's buffer too small: the packet is dropped */
    else memcpy(dst, r->data + slot * MB_SLOT_BYTES, len);
    atomic_store_explicit(&r->tail, tail + 1, memory_order_release);
    return len;
}

/* ------------------------------------------------------------------ jitter buffer */

int mb_jitter_init(mb_jitter *j, size_t capacity, size_t target, size_t max)
{
    if (mb_ring_init(&j->ring, capacity) != 0) return -1;
    atomic_init(&j->target, 0);
    atomic_init(&j->max, 0);
    j->playing = 0;
    atomic_init(&j->underruns, 0);
    atomic_init(&j->dropped_late, 0);
    atomic_init(&j->dropped_full, 0);
    mb_jitter_set_target(j, target, max);
    return 0;
}

void mb_jitter_free(mb_jitter *j)
{
    mb_ring_free(&j->ring);
}

void mb_jitter_set_target(mb_jitter *j, size_t target, size_t max)
{
    size_t cap = mb_ring_capacity(&j->ring);
    if (target < 1) target = 1;
    if (target > cap / 2) target = cap / 2;
    if (max < target * 2) max = target * 2;
    if (max > cap) max = cap;
    atomic_store(&j->target, target);
    atomic_store(&j->max, max);
}

void mb_jitter_push(mb_jitter *j, const float *src, size_t n)
{
    size_t written = mb_ring_write(&j->ring, src, n);
    if (written < n) atomic_fetch_add(&j->dropped_full, (uint64_t)(n - written));
}

void mb_jitter_pull(mb_jitter *j, float *dst, size_t n)
{
    size_t avail = mb_ring_available(&j->ring);
    size_t target = atomic_load_explicit(&j->target, memory_order_relaxed);
    size_t max = atomic_load_explicit(&j->max, memory_order_relaxed);
    size_t got;
    if (!j->playing) {
        if (avail < target) {
            memset(dst, 0, n * sizeof(float));
            return;
        }
        j->playing = 1;
    }
    if (avail > max) {
        /* The producer ran ahead (clock drift or a burst): drop the oldest samples
           back down to the target so the added latency stays bounded. */
        size_t dropped = mb_ring_skip(&j->ring, avail - target);
        atomic_fetch_add(&j->dropped_late, (uint64_t)dropped);
    }
    got = mb_ring_read(&j->ring, dst, n);
    if (got < n) {
        memset(dst + got, 0, (n - got) * sizeof(float));
        atomic_fetch_add(&j->underruns, 1);
        j->playing = 0;
    }
}
