"""Trains the frame-wise VQ-VAE timbre codec. One command, progress line, log file.

  /usr/bin/python3 -m training.vqvae.train --corpus training/runs/corpus \
      --out training/runs/vqvae --steps 10000 --minutes 45 --threads 1

Schedule, counted in steps only (the same on every machine): `--ae-steps` steps (at most 10% of
`--steps`) as a plain autoencoder, then k-means initialises the codebook from encoder outputs and
training continues with EMA quantization, commitment loss and dead-code restarts. Adam with
`--warmup` steps of linear warm-up and a cosine decay over `--steps`. `--minutes` only stops
the run early (the schedule does not follow time: a stopped run has not finished its decay).
Figures printed while training are on the corpus's dev split (training/corpus/build.py); the
test split is never read here. Writes <out>/train.log, <out>/ckpt.pt (latest) and
<out>/metrics.json. The same code runs on CUDA (`--device cuda`).
"""
from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time

import numpy as np
import torch

from training.vqvae.data import FrameSet, SegmentSampler, check_corpus, eval_split
from training.vqvae.pitch import YinSettings
from training.vqvae.data import read_wav16
from training.vqvae.model import Dense, Encoder, VqConfig, VqVae, multi_resolution_stft_loss, periodic_overlap_add


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--corpus', default='training/runs/corpus')
    ap.add_argument('--out', default='training/runs/vqvae')
    ap.add_argument('--steps', type=int, default=10000)
    ap.add_argument('--minutes', type=float, default=0.0,
                    help='wall-clock bound: training stops at this budget or at --steps, whichever comes '
                         'first; the schedule (warm-up, autoencoder phase, cosine decay) follows --steps only')
    ap.add_argument('--ae-steps', type=int, default=600, help='steps before quantization starts')
    ap.add_argument('--batch', type=int, default=96, help='frames per step (periodic: sequences x --seq-frames)')
    ap.add_argument('--synthesis', choices=['aligned', 'periodic', 'harmonic'], default=None,
                    help="decoder synthesis trained for (model.py VqConfig.synthesis); default: the checkpoint's "
                         "when resuming, else 'aligned'. 'periodic' trains through the runtime's periodic "
                         "overlap-add (sequences of --seq-frames frames); a resumed 'aligned' model can be "
                         "switched to it. 'harmonic' carries pitch beside the code and trains frame by "
                         "frame on STFT magnitudes (the runtime rebuilds the phase: 'harmonic-pghi'). "
                         "'periodic-aligned' is chosen at export")
    ap.add_argument('--seq-frames', type=int, default=12,
                    help="periodic: consecutive frames per training sequence; the loss is on the "
                         "overlap-added audio where all of them overlap")
    ap.add_argument('--frame-stride', type=int, default=128, help="harmonic: training frames every n samples")
    ap.add_argument('--lr', type=float, default=1e-3)
    ap.add_argument('--warmup', type=int, default=300,
                    help='steps of linear learning-rate warm-up (keeps a resumed model from being knocked about)')
    ap.add_argument('--codes', type=int, default=512)
    ap.add_argument('--log-eps', type=float, default=0.03, help='floor of the log-magnitude loss term')
    ap.add_argument('--log-weight', type=float, default=0.5, help='weight of the log-magnitude loss term')
    ap.add_argument('--latent', type=int, default=32)
    ap.add_argument('--dec-hidden', default='', help="decoder hidden widths, e.g. '512,1024' (default model.py's)")
    ap.add_argument('--dec-pitch', action='store_true',
                    help="harmonic: the decoder also sees the frame's pitch (model.py pitch_features)")
    ap.add_argument('--seed', type=int, default=7)
    ap.add_argument('--resume', default='', help='checkpoint to continue from (weights and codebook; '
                                                 'quantizes from the first step, new schedule)')
    ap.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--eval-every', type=int, default=1000)
    ap.add_argument('--restart-every', type=int, default=50, help='dead-code restarts every n steps (0: never)')
    ap.add_argument('--train-only', choices=['all', 'decoder'], default='all',
                    help="'decoder': encoder and codebook stay fixed (fine-tuning the rendering of the codes)")
    return ap.parse_args(argv)


class Logger:
    def __init__(self, path: str):
        self.file = open(path, 'a', buffering=1)

    def line(self, msg: str):
        self.file.write(msg + '\n')
        sys.stdout.write('\r' + ' ' * 110 + '\r' + msg + '\n')
        sys.stdout.flush()

    def progress(self, msg: str):
        sys.stdout.write('\r' + msg[:110].ljust(110))
        sys.stdout.flush()


def sequence_loss(model: VqVae, batch: torch.Tensor, first_frame: torch.Tensor, quantize: bool, args):
    """'periodic' synthesis in the loop: encode every frame of each sequence, decode, overlap-add
    exactly as the runtime does, and compare the part where all frames overlap with the audio.

    batch [B, span], span = (L - 1) hop + window. Returns (loss, sc, z, codes, commit)."""
    cfg = model.cfg
    b, span = batch.shape
    frames = batch.unfold(1, cfg.window, cfg.hop)               # [B, L, W]
    n_frames = frames.shape[1]
    z, gain = model.encoder(frames.reshape(-1, cfg.window))
    if quantize:
        q, codes, commit = model.quantizer(z)
    else:
        q, codes, commit = z, None, torch.zeros((), device=z.device)
    periods = model.decoder.period_fft(q).view(b, n_frames, cfg.period)
    y = periodic_overlap_add(periods, gain.view(b, n_frames), first_frame, cfg.window, cfg.hop)
    lo, hi = cfg.window - cfg.hop, span - (cfg.window - cfg.hop)
    target = batch[:, lo:hi]
    # Each sequence at unit RMS over its whole span (not just the compared part, which may be
    # the silence after a sound), so loud and quiet sequences count alike.
    scale = torch.sqrt((batch * batch).mean(-1, keepdim=True)).clamp_min(1e-4)
    loss, sc = multi_resolution_stft_loss(y[:, lo:hi] / scale, target / scale,
                                          log_eps=args.log_eps, log_weight=args.log_weight)
    return loss, sc, z, codes, commit


def segment_loss(model: VqVae, batch: torch.Tensor, quantize: bool, args):
    """'aligned' (first model): one frame, its segment against the audio that follows it, unit gain."""
    cfg = model.cfg
    seg, gain, z, codes, commit = model(batch[:, :cfg.window], quantize=quantize)
    loss, sc = multi_resolution_stft_loss(seg, batch / gain, log_eps=args.log_eps, log_weight=args.log_weight)
    return loss, sc, z, codes, commit


def frame_loss(model: VqVae, mag: torch.Tensor, f0: torch.Tensor, quantize: bool, args):
    """'harmonic': one frame's STFT magnitude (normalized, as the encoder sees it) against the
    decoder's H x comb_f0 + N: spectral convergence + log_weight x log-magnitude L1."""
    z = model.encoder.from_magnitudes(mag)
    if quantize:
        q, codes, commit = model.quantizer(z)
    else:
        q, codes, commit = z, None, torch.zeros((), device=z.device)
    pred = model.decoder.magnitudes(q, f0)
    sc = torch.linalg.norm(pred - mag) / torch.linalg.norm(mag).clamp_min(1e-8)
    logd = (torch.log(pred + args.log_eps) - torch.log(mag + args.log_eps)).abs().mean()
    return sc + args.log_weight * logd, sc, z, codes, commit


@torch.no_grad()
def evaluate_frames(model: VqVae, held: FrameSet, quantize: bool, args) -> dict:
    model.eval()
    sq_err, sq_ref, loss_sum, used, n = 0.0, 0.0, 0.0, set(), 0
    for mag, f0 in zip(torch.split(held.magnitudes, 2048), torch.split(held.f0, 2048)):
        loss, _, z, codes, _ = frame_loss(model, mag, f0, quantize, args)
        q = model.quantizer.codebook[codes] if codes is not None else z
        pred = model.decoder.magnitudes(q, f0)
        sq_err += float(((pred - mag) ** 2).sum())
        sq_ref += float((mag ** 2).sum())
        loss_sum += float(loss) * len(mag)
        n += len(mag)
        if codes is not None:
            used.update(codes.tolist())
    model.train()
    return {'sc': math.sqrt(sq_err / max(sq_ref, 1e-12)), 'loss': loss_sum / n, 'codesUsed': len(used)}


@torch.no_grad()
def evaluate(model: VqVae, held: torch.Tensor, quantize: bool, args) -> dict:
    model.eval()
    sc_sum, loss_sum, used, n = 0.0, 0.0, set(), 0
    periodic = model.cfg.synthesis == 'periodic'
    for chunk in torch.split(held, 64 if periodic else 512):
        if periodic:
            first = torch.arange(len(chunk), device=chunk.device) % (model.cfg.period // model.cfg.hop)
            loss, sc, _, codes, _ = sequence_loss(model, chunk, first, quantize, args)
        else:
            loss, sc, _, codes, _ = segment_loss(model, chunk, quantize, args)
        sc_sum += float(sc) * len(chunk)
        loss_sum += float(loss) * len(chunk)
        n += len(chunk)
        if codes is not None:
            used.update(codes.tolist())
    model.train()
    return {'sc': sc_sum / n, 'loss': loss_sum / n, 'codesUsed': len(used)}


def load_heldout_files(corpus: str):
    """The evaluation split's files (dev; 'heldout' in a first-builder corpus) as (source, audio)."""
    with open(os.path.join(corpus, 'corpus.json')) as f:
        meta = json.load(f)
    split = eval_split(corpus)
    return [(e['source'], read_wav16(os.path.join(corpus, e['file'])))
            for e in meta['files'] if e['split'] == split]


def spectral_convergence(x: torch.Tensor, y: torch.Tensor, sizes=(1024, 512, 256, 128)) -> float:
    """src/vq/metrics.ts spectralConvergence: mean over sizes of |S - S'|_F / |S|_F (Hann, hop n/4)."""
    total = 0.0
    for n in sizes:
        win = torch.hann_window(n, dtype=torch.float64)
        a = torch.stft(x.double(), n, n // 4, window=win, center=False, return_complex=True).abs()
        b = torch.stft(y.double(), n, n // 4, window=win, center=False, return_complex=True).abs()
        den = torch.linalg.norm(a)
        total += float(torch.linalg.norm(a - b) / den) if den > 0 else 0.0
    return total / len(sizes)


@torch.no_grad()
def evaluate_files(model: VqVae, files) -> dict:
    """Held-out reconstruction as bench/vq.ts measures it ('periodic' only): whole files through
    frames -> codes -> code latents -> periods -> overlap-add, mean SC over files, per source."""
    cfg = model.cfg
    model.eval()
    per = {}
    for source, audio in files:
        x = torch.from_numpy(audio)
        n = len(x)
        count = max(1, math.ceil(max(0, n - cfg.window) / cfg.hop) + 1)
        padded = torch.cat([x, x.new_zeros((count - 1) * cfg.hop + cfg.window - n)])
        frames = padded.unfold(0, cfg.window, cfg.hop)
        z, gain = model.encoder(frames)
        q = model.quantizer.codebook[model.quantizer.nearest(z)]
        periods = model.decoder.period_fft(q)[None]
        y = periodic_overlap_add(periods, gain.view(1, -1), torch.zeros(1, dtype=torch.long), cfg.window, cfg.hop)[0, :n]
        per.setdefault(source, []).append(spectral_convergence(x, y))
    model.train()
    every = [v for vs in per.values() for v in vs]
    out = {'sc': sum(every) / len(every), 'files': len(every)}
    out.update({f'sc_{k}': sum(v) / len(v) for k, v in sorted(per.items())})
    return out


def main(argv=None):
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    os.makedirs(args.out, exist_ok=True)
    log = Logger(os.path.join(args.out, 'train.log'))
    device = torch.device(args.device)
    Dense.conv_path = device.type == 'cpu'
    Encoder.use_fft = True

    previous, state = {}, None
    if args.resume:
        ckpt = torch.load(args.resume, map_location='cpu')
        cfg = VqConfig.from_dict(ckpt['config'])
        if args.synthesis:
            cfg.synthesis = args.synthesis
        state = ckpt['state']
        previous = ckpt.get('summary', {})
    else:
        cfg = VqConfig(codes=args.codes, latent=args.latent, synthesis=args.synthesis or 'aligned')
        if args.dec_hidden:
            cfg.dec_hidden = tuple(int(v) for v in args.dec_hidden.split(','))
        cfg.dec_pitch = args.dec_pitch
    periodic = cfg.synthesis == 'periodic'
    harmonic = cfg.synthesis == 'harmonic'
    seq = args.seq_frames if periodic else 1
    span = (seq - 1) * cfg.hop + cfg.window if periodic else cfg.segment
    n_seq = max(1, args.batch // seq)
    phases = cfg.period // cfg.hop

    corpus_note = check_corpus(args.corpus)
    held_split = eval_split(args.corpus)
    if harmonic:
        t_data = time.time()
        train = FrameSet(args.corpus, 'train', cfg.window, args.frame_stride, YinSettings.of(cfg), args.seed)
        held = FrameSet(args.corpus, held_split, cfg.window, cfg.hop, YinSettings.of(cfg), args.seed + 1)
        train.magnitudes, train.f0 = train.magnitudes.to(device), train.f0.to(device)
        held.magnitudes, held.f0 = held.magnitudes.to(device), held.f0.to(device)
        held_segments = None
        log_data = f'frames every {args.frame_stride} samples, spectra and YIN pitch in {time.time() - t_data:.0f} s'
    else:
        train = SegmentSampler(args.corpus, 'train', span if periodic else cfg.window, span, args.seed)
        held = SegmentSampler(args.corpus, held_split, span if periodic else cfg.window, span, args.seed + 1)
        held_segments = torch.from_numpy(held.fixed(2048 // seq if periodic else 2048, 123)).to(device)
        log_data = ''
    files = load_heldout_files(args.corpus) if periodic else []
    log.line(f'vqvae: {vars(args)}')
    log.line(f'vqvae: corpus {corpus_note}')
    log.line(f'vqvae: train {train.seconds:.0f} s ({", ".join(train.sources)}), {held_split} {held.seconds:.0f} s, '
             f'{len(train) if harmonic else len(train.starts)} {"frames" if harmonic else "starts"}, device {device}, threads {args.threads}, synthesis {cfg.synthesis}'
             + (f', {n_seq} sequences of {seq} frames per step' if periodic else
                f', {args.batch} frames per step ({log_data})' if harmonic else f', {args.batch} segments per step'))

    model = VqVae(cfg)
    if state is not None:
        if 'decoder.bank' in state and state['decoder.bank'].shape != model.decoder.bank.shape:
            state = dict(state)
            state['decoder.bank'] = model.decoder.bank  # the same seeded bank over another length
        model.load_state_dict(state)
        log.line(f'vqvae: resumed from {args.resume} ({previous.get("steps")} steps, {previous.get("minutes")} min, '
                 f'synthesis {previous.get("synthesis", "aligned")} -> {cfg.synthesis})')
    if state is not None and previous.get('batch') and previous['batch'] != n_seq * seq:
        # EMA usage counts are per step: rescale them to this run's frames per step, or the
        # dead-code threshold (a share of the mean count) would restart codes in use.
        factor = n_seq * seq / previous['batch']
        model.quantizer.ema_count.mul_(factor)
        model.quantizer.ema_sum.mul_(factor)
        log.line(f'vqvae: EMA codebook counts rescaled x{factor:.2f} ({previous["batch"]} -> {n_seq * seq} frames per step)')
    model.to(device)
    if args.train_only == 'decoder':
        params = list(model.decoder.parameters())
        for p in model.encoder.parameters():
            p.requires_grad_(False)
        model.quantizer.frozen = True
        args.restart_every = 0
    else:
        params = list(model.encoder.parameters()) + list(model.decoder.parameters())
    log.line(f'vqvae: {sum(p.numel() for p in params)} trainable parameters, K={cfg.codes}, latent={cfg.latent}')
    opt = torch.optim.Adam(params, lr=args.lr)
    budget = args.minutes * 60

    def progress_fraction(step: int) -> float:
        # Steps only: the learning rate at step n is the same on every machine.
        return step / args.steps

    def set_lr(fraction: float, step: int):
        warm = min(1.0, step / args.warmup) if args.warmup > 0 else 1.0
        for group in opt.param_groups:
            group['lr'] = warm * args.lr * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * min(1.0, fraction))))
    restart_threshold = 0.3 * n_seq * seq / cfg.codes

    quantize = bool(args.resume)
    if periodic and files:
        t_eval = time.time()
        m0 = evaluate_files(model.to('cpu'), files)
        model.to(device)
        log.line(f'step 0 held-out files (runtime synthesis) sc {m0["sc"]:.4f} '
                 + ' '.join(f'{k} {v:.4f}' for k, v in m0.items() if k.startswith('sc_'))
                 + f' ({time.time() - t_eval:.1f} s)')

    t0 = time.time()
    running = {'loss': 0.0, 'sc': 0.0, 'commit': 0.0}
    restarts = 0
    metrics = {}
    ae_steps = previous.get('aeSteps', 0) if args.resume else args.ae_steps
    for step in range(1, args.steps + 1):
        if not quantize and (step > args.ae_steps or progress_fraction(step) >= 0.1):
            quantize = True
            ae_steps = step - 1
            latents = []
            with torch.no_grad():
                for _ in range(8):
                    if harmonic:
                        latents.append(model.encoder.from_magnitudes(train.batch(2048)[0]))
                        continue
                    frames = torch.from_numpy(train.batch(1024 // seq)).to(device).unfold(1, cfg.window, cfg.hop)
                    latents.append(model.encoder(frames.reshape(-1, cfg.window))[0])
            model.quantizer.kmeans_init(torch.cat(latents), n_seq * seq / cfg.codes)
            log.line(f'vqvae: step {step}: codebook initialised by k-means on {sum(len(l) for l in latents)} latents')
        if harmonic:
            mag, f0 = train.batch(args.batch)
            loss, sc, z, codes, commit = frame_loss(model, mag, f0, quantize, args)
        elif periodic:
            batch = torch.from_numpy(train.batch(n_seq)).to(device)
            first = torch.randint(0, phases, (n_seq,), device=device)
            loss, sc, z, codes, commit = sequence_loss(model, batch, first, quantize, args)
        else:
            batch = torch.from_numpy(train.batch(args.batch)).to(device)
            loss, sc, z, codes, commit = segment_loss(model, batch, quantize, args)
        total = loss + cfg.commitment * commit
        opt.zero_grad(set_to_none=True)
        total.backward()
        torch.nn.utils.clip_grad_norm_(params, 5.0)
        set_lr(progress_fraction(step), step)
        opt.step()
        if quantize and args.restart_every > 0 and step % args.restart_every == 0:
            restarts += model.quantizer.restart_dead(z.detach(), restart_threshold)
        for k, v in (('loss', loss), ('sc', sc), ('commit', commit)):
            running[k] = 0.98 * running[k] + 0.02 * float(v) if step > 1 else float(v)
        elapsed = time.time() - t0
        fraction = progress_fraction(step)
        eta = elapsed / max(fraction, 1e-9) * (1 - fraction)
        if budget > 0:
            eta = min(eta, max(0.0, budget - elapsed))
        timed_out = budget > 0 and elapsed >= budget
        last = fraction >= 1.0 or step == args.steps or timed_out
        log.progress(f'step {step}/{args.steps} loss {running["loss"]:.3f} sc {running["sc"]:.3f} '
                     f'commit {running["commit"]:.4f} restarts {restarts} '
                     f'{elapsed / 60:.1f} min, eta {eta / 60:.1f} min')
        if step % args.eval_every == 0 or last:
            metrics = evaluate_frames(model, held, quantize, args) if harmonic else evaluate(model, held_segments, quantize, args)
            line = (f'step {step} train loss {running["loss"]:.4f} sc {running["sc"]:.4f} commit {running["commit"]:.4f} '
                    f'| held-out {"frame magnitude" if harmonic else "sequence" if periodic else "segment"} sc {metrics["sc"]:.4f} loss {metrics["loss"]:.4f} '
                    f'codes used {metrics["codesUsed"]}')
            if periodic and files and quantize:
                metrics['files'] = evaluate_files(model.to('cpu'), files)
                model.to(device)
                line += f' | held-out files sc {metrics["files"]["sc"]:.4f} ' + ' '.join(
                    f'{k[3:]} {v:.3f}' for k, v in metrics['files'].items() if k.startswith('sc_'))
            log.line(line + f' | lr {opt.param_groups[0]["lr"]:.6e} | restarts {restarts} | {elapsed / 60:.1f} min')
            save(model, args, metrics, elapsed, step, ae_steps, restarts, train, held, previous, held_split,
                 'minutes' if timed_out and step < args.steps else 'steps')
        if last:
            if timed_out and step < args.steps:
                log.line(f'vqvae: stopped by --minutes {args.minutes:g} at step {step} of {args.steps} '
                         f'(schedule at {100 * fraction:.1f} %)')
            break
    log.line(f'vqvae: done in {(time.time() - t0) / 60:.1f} min -> {args.out}/ckpt.pt')


def save(model, args, metrics, elapsed, step, ae_steps, restarts, train, held, previous, held_split='dev',
         stopped_by='steps'):
    summary = {
        'steps': step + previous.get('steps', 0), 'batch': args.batch, 'lr': args.lr, 'aeSteps': ae_steps,
        'seed': args.seed, 'device': args.device, 'threads': args.threads,
        'minutes': round(elapsed / 60 + previous.get('minutes', 0), 2),
        'deadCodeRestarts': restarts + previous.get('deadCodeRestarts', 0), 'heldOutSegment': metrics,
        'synthesis': model.cfg.synthesis,
        'stages': previous.get('stages', []) + [{'steps': step, 'minutes': round(elapsed / 60, 2), 'lr': args.lr,
                                                  'synthesis': model.cfg.synthesis, 'batch': args.batch,
                                                  'seqFrames': args.seq_frames if model.cfg.synthesis == 'periodic' else 1,
                                                  'logEps': args.log_eps, 'logWeight': args.log_weight,
                                                  'resumedFrom': args.resume or None,
                                                  'schedule': f'steps (cosine over {args.steps}, warm-up {args.warmup})',
                                                  'stoppedBy': stopped_by}],
        'data': {'trainSeconds': round(train.seconds, 1), 'heldOutSeconds': round(held.seconds, 1),
                 'heldOutSplit': held_split, 'sources': train.sources, 'corpus': args.corpus},
    }
    torch.save({'config': model.cfg.to_dict(), 'state': model.state_dict(), 'summary': summary},
               os.path.join(args.out, 'ckpt.pt'))
    with open(os.path.join(args.out, 'metrics.json'), 'w') as f:
        json.dump(summary, f, indent=1)


if __name__ == '__main__':
    main()
