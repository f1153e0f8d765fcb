/*
 * pdinspect: a test-only Pd external that reports what Pd itself says about objects.
 * [pdinspect] binds to the name "pdinspect"; the message
 *     pdinspect file <objects.txt> <report.txt>
 * creates each object listed in objects.txt (one per ';'-terminated message, as typed in
 * an object box) on the canvas holding [pdinspect], and writes one line per object to
 * report.txt: "<created 0|1> <inlets> <outlets> <signal inlets as 0/1 string> <signal
 * outlets as 0/1 string>", then deletes it. tests/patches compares this with the
 * validator's table of vanilla objects.
 */
#include "m_pd.h"
#include "m_imp.h"
#include "g_canvas.h"

#include <stdio.h>
#include <string.h>

static t_class *pdinspect_class;

typedef struct _pdinspect {
    t_object x_obj;
    t_glist *x_canvas;
} t_pdinspect;

static t_gobj *last_of(t_glist *gl)
{
    t_gobj *y = gl->gl_list;
    while (y && y->g_next) y = y->g_next;
    return y;
}

static void report(FILE *f, t_gobj *y)
{
    t_object *ob = pd_checkobject(&y->g_pd);
    int i, nin, nout;
    /* an object Pd could not create stays a plain "text" box */
    int created = ob && strcmp(class_getname(pd_class(&y->g_pd)), "text") != 0;
    if (!ob) {
        fprintf(f, "0 0 0 - -\n");
        return;
    }
    nin = obj_ninlets(ob);
    nout = obj_noutlets(ob);
    fprintf(f, "%d %d %d ", created, nin, nout);
    for (i = 0; i < nin; i++) fputc(obj_issignalinlet(ob, i) ? '1' : '0', f);
    if (nin == 0) fputc('-', f);
    fputc(' ', f);
    for (i = 0; i < nout; i++) fputc(obj_issignaloutlet(ob, i) ? '1' : '0', f);
    if (nout == 0) fputc('-', f);
    fputc('\n', f);
}

static void pdinspect_file(t_pdinspect *x, t_symbol *in, t_symbol *out)
{
    t_binbuf *b = binbuf_new();
    FILE *f;
    int n, start = 0, i;
    t_atom *v;
    if (binbuf_read(b, in->s_name, "", 0)) {
        pd_error(x, "pdinspect: cannot read %s", in->s_name);
        binbuf_free(b);
        return;
    }
    if (!(f = fopen(out->s_name, "w"))) {
        pd_error(x, "pdinspect: cannot write %s", out->s_name);
        binbuf_free(b);
        return;
    }
    n = binbuf_getnatom(b);
    v = binbuf_getvec(b);
    for (i = 0; i <= n; i++) {
        if (i == n || v[i].a_type == A_SEMI) {
            int count = i - start;
            if (count > 0) {
                t_atom *args = (t_atom *)getbytes((count + 2) * sizeof(t_atom));
                t_gobj *before = last_of(x->x_canvas), *y;
                int k;
                SETFLOAT(&args[0], 10);
                SETFLOAT(&args[1], 10);
                for (k = 0; k < count; k++) args[k + 2] = v[start + k];
                pd_typedmess(&x->x_canvas->gl_pd, gensym("obj"), count + 2, args);
                y = last_of(x->x_canvas);
                if (y && y != before) {
                    report(f, y);
                    glist_delete(x->x_canvas, y);
                } else fprintf(f, "0 0 0 - -\n");
                freebytes(args, (count + 2) * sizeof(t_atom));
            }
            start = i + 1;
        }
    }
    fclose(f);
    binbuf_free(b);
    post("pdinspect: done");
}

static void *pdinspect_new(void)
{
    t_pdinspect *x = (t_pdinspect *)pd_new(pdinspect_class);
    x->x_canvas = canvas_getcurrent();
    pd_bind(&x->x_obj.ob_pd, gensym("pdinspect"));
    return x;
}

static void pdinspect_free(t_pdinspect *x)
{
    pd_unbind(&x->x_obj.ob_pd, gensym("pdinspect"));
}

void pdinspect_setup(void)
{
    pdinspect_class = class_new(gensym("pdinspect"), (t_newmethod)pdinspect_new, (t_method)pdinspect_free,
        sizeof(t_pdinspect), CLASS_NOINLET, 0);
    class_addmethod(pdinspect_class, (t_method)pdinspect_file, gensym("file"), A_SYMBOL, A_SYMBOL, 0);
}
