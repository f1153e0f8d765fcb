"""Trains the frame-wise VQ-VAE timbre codec. One command, progress line, log file.

  /usr/bin/python3 -m training.vqvae.train --corpus training/runs/corpus \
      --out training/runs/vqvae --steps 10000 --minutes 45 --threads 1

Schedule: `--ae-steps` steps (at most 10% of the run) as a plain autoencoder, then k-means initialises the codebook
from encoder outputs and training continues with EMA quantization, commitment loss and
dead-code restarts. Adam with cosine decay. Writes <out>/train.log, <out>/ckpt.pt (latest)
and <out>/metrics.json. The same code runs on CUDA (`--device cuda`).
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

from training.vqvae.data import SegmentSampler
from training.vqvae.model import Dense, VqConfig, VqVae, multi_resolution_stft_loss


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--corpus', default='training/runs/corpus')
    ap.add_argument('--out', default='training/runs/vqvae')
    ap.add_argument('--steps', type=int, default=10000)
    ap.add_argument('--minutes', type=float, default=0.0,
                    help='wall-clock budget; when set, the schedule follows elapsed time and training '
                         'stops at the budget or at --steps, whichever comes first (shared machines)')
    ap.add_argument('--ae-steps', type=int, default=600, help='steps before quantization starts')
    ap.add_argument('--batch', type=int, default=96)
    ap.add_argument('--lr', type=float, default=1e-3)
    ap.add_argument('--codes', type=int, default=512)
    ap.add_argument('--log-eps', type=float, default=0.03, help='floor of the log-magnitude loss term')
    ap.add_argument('--log-weight', type=float, default=0.5, help='weight of the log-magnitude loss term')
    ap.add_argument('--latent', type=int, default=32)
    ap.add_argument('--seed', type=int, default=7)
    ap.add_argument('--resume', default='', help='checkpoint to continue from (weights and codebook; '
                                                 'quantizes from the first step, new schedule)')
    ap.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--eval-every', type=int, default=1000)
    ap.add_argument('--restart-every', type=int, default=50)
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


@torch.no_grad()
def evaluate(model: VqVae, segments: torch.Tensor, window: int, quantize: bool, args) -> dict:
    model.eval()
    sc_sum, loss_sum, used, n = 0.0, 0.0, set(), 0
    for chunk in torch.split(segments, 512):
        gain_target = chunk / torch.sqrt((chunk[:, :window] ** 2).mean(-1, keepdim=True)).clamp_min(model.cfg.gain_floor)
        seg, _, _, codes, _ = model(chunk[:, :window], quantize=quantize)
        loss, sc = multi_resolution_stft_loss(seg, gain_target, log_eps=args.log_eps, log_weight=args.log_weight)
        sc_sum += float(sc) * len(chunk)
        loss_sum += float(loss) * len(chunk)
        n += len(chunk)
        if codes is not None:
            used.update(codes.tolist())
    model.train()
    return {'sc': sc_sum / n, 'loss': loss_sum / n, 'codesUsed': len(used)}


def main(argv=None):
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    os.makedirs(args.out, exist_ok=True)
    log = Logger(os.path.join(args.out, 'train.log'))
    cfg = VqConfig(codes=args.codes, latent=args.latent)
    device = torch.device(args.device)
    Dense.conv_path = device.type == 'cpu'

    train = SegmentSampler(args.corpus, 'train', cfg.window, cfg.segment, args.seed)
    held = SegmentSampler(args.corpus, 'heldout', cfg.window, cfg.segment, args.seed + 1)
    held_segments = torch.from_numpy(held.fixed(2048, 123)).to(device)
    log.line(f'vqvae: {vars(args)}')
    log.line(f'vqvae: train {train.seconds:.0f} s ({", ".join(train.sources)}), held out {held.seconds:.0f} s, '
             f'{len(train.starts)} segment starts, device {device}, threads {args.threads}')

    model = VqVae(cfg).to(device)
    previous = {}
    if args.resume:
        ckpt = torch.load(args.resume, map_location='cpu')
        cfg = VqConfig.from_dict(ckpt['config'])
        model = VqVae(cfg)
        model.load_state_dict(ckpt['state'])
        model.to(device)
        previous = ckpt.get('summary', {})
        log.line(f'vqvae: resumed from {args.resume} ({previous.get("steps")} steps, {previous.get("minutes")} min)')
    params = list(model.encoder.parameters()) + list(model.decoder.parameters())
    log.line(f'vqvae: {sum(p.numel() for p in params)} trainable parameters, K={cfg.codes}, latent={cfg.latent}')
    opt = torch.optim.Adam(params, lr=args.lr)
    budget = args.minutes * 60

    def progress_fraction(step: int) -> float:
        by_steps = step / args.steps
        return max(by_steps, (time.time() - t0) / budget) if budget > 0 else by_steps

    def set_lr(fraction: float):
        for group in opt.param_groups:
            group['lr'] = args.lr * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * min(1.0, fraction))))
    restart_threshold = 0.3 * args.batch / cfg.codes

    t0 = time.time()
    running = {'loss': 0.0, 'sc': 0.0, 'commit': 0.0}
    restarts = 0
    metrics = {}
    quantize, ae_steps = bool(args.resume), (previous.get('aeSteps', 0) if args.resume else args.ae_steps)
    for step in range(1, args.steps + 1):
        if not quantize and (step > args.ae_steps or progress_fraction(step) >= 0.1):
            quantize = True
            ae_steps = step - 1
            latents = []
            with torch.no_grad():
                for _ in range(8):
                    frames = torch.from_numpy(train.batch(1024)[:, :cfg.window]).to(device)
                    latents.append(model.encoder(frames)[0])
            model.quantizer.kmeans_init(torch.cat(latents), args.batch / cfg.codes)
            log.line(f'vqvae: step {step}: codebook initialised by k-means on {8 * 1024} latents')
        batch = torch.from_numpy(train.batch(args.batch)).to(device)
        frames = batch[:, :cfg.window]
        seg, gain, z, codes, commit = model(frames, quantize=quantize)
        target = batch / gain
        loss, sc = multi_resolution_stft_loss(seg, target, log_eps=args.log_eps, log_weight=args.log_weight)
        total = loss + cfg.commitment * commit
        opt.zero_grad(set_to_none=True)
        total.backward()
        torch.nn.utils.clip_grad_norm_(params, 5.0)
        set_lr(progress_fraction(step))
        opt.step()
        if quantize and step % args.restart_every == 0:
            restarts += model.quantizer.restart_dead(z.detach(), restart_threshold)
        for k, v in (('loss', loss), ('sc', sc), ('commit', commit)):
            running[k] = 0.98 * running[k] + 0.02 * float(v) if step > 1 else float(v)
        elapsed = time.time() - t0
        fraction = progress_fraction(step)
        eta = elapsed / max(fraction, 1e-9) * (1 - fraction)
        last = fraction >= 1.0 or step == args.steps
        log.progress(f'step {step}/{args.steps} loss {running["loss"]:.3f} sc {running["sc"]:.3f} '
                     f'commit {running["commit"]:.4f} restarts {restarts} '
                     f'{elapsed / 60:.1f} min, eta {eta / 60:.1f} min')
        if step % args.eval_every == 0 or last:
            metrics = evaluate(model, held_segments, cfg.window, quantize, args)
            log.line(f'step {step} train loss {running["loss"]:.4f} sc {running["sc"]:.4f} commit {running["commit"]:.4f} '
                     f'| held-out segment sc {metrics["sc"]:.4f} loss {metrics["loss"]:.4f} '
                     f'codes used {metrics["codesUsed"]} | restarts {restarts} | {elapsed / 60:.1f} min')
            save(model, args, metrics, elapsed, step, ae_steps, restarts, train, held, previous)
        if last:
            break
    log.line(f'vqvae: done in {(time.time() - t0) / 60:.1f} min -> {args.out}/ckpt.pt')


def save(model, args, metrics, elapsed, step, ae_steps, restarts, train, held, previous):
    summary = {
        'steps': step + previous.get('steps', 0), 'batch': args.batch, 'lr': args.lr, 'aeSteps': ae_steps,
        'seed': args.seed, 'device': args.device, 'threads': args.threads,
        'minutes': round(elapsed / 60 + previous.get('minutes', 0), 2),
        'deadCodeRestarts': restarts + previous.get('deadCodeRestarts', 0), 'heldOutSegment': metrics,
        'stages': previous.get('stages', []) + [{'steps': step, 'minutes': round(elapsed / 60, 2), 'lr': args.lr,
                                                  'logEps': args.log_eps, 'logWeight': args.log_weight,
                                                  'resumedFrom': args.resume or None}],
        'data': {'trainSeconds': round(train.seconds, 1), 'heldOutSeconds': round(held.seconds, 1),
                 'sources': train.sources, 'corpus': args.corpus},
    }
    torch.save({'config': model.cfg.to_dict(), 'state': model.state_dict(), 'summary': summary},
               os.path.join(args.out, 'ckpt.pt'))
    with open(os.path.join(args.out, 'metrics.json'), 'w') as f:
        json.dump(summary, f, indent=1)


if __name__ == '__main__':
    main()
