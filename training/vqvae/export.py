"""Exports a trained VQ-VAE to ONNX with its manifest, checking itself.

  /usr/bin/python3 -m training.vqvae.export --ckpt training/runs/vqvae/ckpt.pt \
      --out models/vqvae-timbre --corpus training/runs/corpus

Graphs (dynamic axis "frames"):
  encoder.onnx   frames[frames, W]                      -> codes[frames] int64,
                                                           latents[frames, D], gains[frames, 1]
  encoder-spectrum.onnx  spectra[frames, W/2 + 1]        -> codes[frames] int64, latents[frames, D]
                         (the encoder after its fixed |DFT|: spectra = |rfft(hann * frame / gain)| / sqrt(W),
                         which the runtime computes with an FFT; manifest audio.settings.encoderSpectrumGraph)
  decoder.onnx   latents[frames, D], gains[frames, 1]   -> segments[frames, S]: S = W + hop for the
                 (+ f0[frames], Hz, 0 = unvoiced, for      'aligned' synthesis, one period (2 x W) for
                  a decoder trained with --dec-pitch:      'periodic' (manifest audio.settings.synthesis);
                  manifest audio.settings.decoderPitch)    for 'harmonic' (exported as 'harmonic-pghi')
                                                           S = W + 2: the harmonic and the noise envelope
                                                           of |rfft(hann * frame)|; the runtime draws the
                                                           harmonics at the frame's pitch and rebuilds the
                                                           phase (src/vq/harmonic.ts, pghi.ts)
  codebook.onnx  codes[n] int64                          -> latents[n, D]  (the codebook tensor
                                                           as an initializer; all codes 0..K-1
                                                           give the whole table)
Checks: a dummy pass of every graph in PyTorch checks the shapes written to the manifest;
then training/vqvae/parity.cjs runs the same inputs (real frames of the corpus's dev split, never
its test split) through
onnxruntime-node and compares (max abs error <= 1e-4, codes equal).
The descriptor table named in the manifest is written afterwards by `mirrorbridge vq analyze`.
"""
from __future__ import annotations

import argparse
import copy
import hashlib
import json
import os
import subprocess
import sys

import numpy as np
import torch
from torch import nn

from training.vqvae.data import FrameSet, SegmentSampler, eval_split
from training.vqvae.model import Dense, VqConfig, VqVae
from training.vqvae.pitch import YinSettings, yin
from training.vqvae.quant import quantized_mlp

NAME = 'vqvae-timbre'
OPSET = 17
# Parity tolerance (times the largest value) of the encoder graphs with int8 blocks.
QUANTIZED_TOLERANCE = 5e-3


def export_encoder(model: VqVae, weights: str) -> nn.Module:
    """The encoder as exported: the trained one, or a copy whose MLP has 8-bit block weights
    (quant.py; --encoder-weights int8)."""
    if weights == 'float':
        return model.encoder
    encoder = copy.deepcopy(model.encoder)
    encoder.mlp = quantized_mlp(encoder.mlp)
    return encoder


class EncoderGraph(nn.Module):
    def __init__(self, model: VqVae, encoder: nn.Module):
        super().__init__()
        self.encoder, self.quantizer = encoder, model.quantizer

    def forward(self, frames):
        z, gain = self.encoder(frames)
        return self.quantizer.nearest(z), z, gain


class EncoderSpectrumGraph(nn.Module):
    def __init__(self, model: VqVae, encoder: nn.Module):
        super().__init__()
        self.encoder, self.quantizer = encoder, model.quantizer

    def forward(self, spectra):
        z = self.encoder.mlp(torch.log(spectra + self.encoder.cfg.log_floor))
        return self.quantizer.nearest(z), z


def spectra_of(frames: torch.Tensor, cfg: VqConfig) -> torch.Tensor:
    """What the runtime feeds the spectrum graph: |rfft(hann * frame / gain)| / sqrt(W)."""
    gain = torch.sqrt((frames * frames).mean(-1, keepdim=True)).clamp_min(cfg.gain_floor)
    hann = torch.hann_window(cfg.window, dtype=torch.float64)
    return (torch.fft.rfft(frames.double() / gain.double() * hann).abs() / cfg.window ** 0.5).float()


class DecoderGraph(nn.Module):
    def __init__(self, model: VqVae):
        super().__init__()
        self.decoder = model.decoder

    def forward(self, latents, gains, f0=None):
        return self.decoder(latents, gains, f0)


class CodebookGraph(nn.Module):
    def __init__(self, model: VqVae):
        super().__init__()
        self.codebook = nn.Parameter(model.quantizer.codebook.detach().clone(), requires_grad=False)

    def forward(self, codes):
        return self.codebook[codes]


SYNTHESIS_SETTINGS = {
    'aligned': lambda cfg: {'synthesis': 'aligned-overlap-add', 'synthesisWindow': 'hann', 'alignSearch': cfg.hop},
    'periodic': lambda cfg: {'synthesis': 'periodic-overlap-add', 'synthesisWindow': 'hann',
                             'synthesisNote': 'frame t reads its period from (t hop) mod segmentLength'},
    'harmonic': lambda cfg: {'synthesis': 'harmonic-pghi-overlap-add', 'synthesisWindow': 'hann',
                             # the tracker training measured f0 with; the runtime builds its YIN from these
                             **YinSettings.of(cfg).manifest(),
                             'synthesisNote': 'segments = harmonic then noise envelope over the rfft bins; '
                                              '|X| = H x comb_f0 + N (Hann response within 2.5 bins of each '
                                              'harmonic), phase by causal phase-gradient heap integration'},
    'periodic-aligned': lambda cfg: {'synthesis': 'periodic-aligned-overlap-add', 'synthesisWindow': 'hann',
                                     'alignSearch': cfg.period,
                                     'synthesisNote': 'frame t reads its period from the offset that best '
                                                      'continues the output (whole-period cross-correlation)'},
}


def sha256(path: str) -> str:
    with open(path, 'rb') as f:
        return hashlib.sha256(f.read()).hexdigest()


def spec(name, dtype, shape):
    return {'name': name, 'dtype': dtype, 'shape': shape}


def export_graph(module, args, path, input_names, output_names, dynamic):
    torch.onnx.export(module, args, path, input_names=input_names, output_names=output_names,
                      dynamic_axes=dynamic, opset_version=OPSET, do_constant_folding=True)


def check_shapes(graph: str, outputs, specs, n: int):
    for tensor, s in zip(outputs, specs):
        want = [n if isinstance(d, str) else d for d in s['shape']]
        if list(tensor.shape) != want:
            raise SystemExit(f'export: {graph}.{s["name"]} has shape {list(tensor.shape)}, manifest says {want}')


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--ckpt', default='training/runs/vqvae/ckpt.pt')
    ap.add_argument('--out', default=f'models/{NAME}')
    ap.add_argument('--corpus', default='training/runs/corpus')
    ap.add_argument('--version', default='1.0.0')
    ap.add_argument('--synthesis', choices=['aligned', 'periodic', 'periodic-aligned', 'harmonic'], default=None,
                    help="runtime synthesis (model.py VqConfig.synthesis); default the checkpoint's. "
                         "'periodic-aligned' exports the decoder's bank over one whole period and lets the "
                         "runtime align each frame over it; the decoder weights are the checkpoint's")
    ap.add_argument('--encoder-weights', choices=['float', 'int8'], default='int8',
                    help='int8: the encoder MLP (both encoder graphs) with 8-bit block weights and int8 block '
                         'compute (quant.py), checked against the float encoder on held-out frames')
    args = ap.parse_args(argv)
    torch.set_num_threads(1)
    ckpt = torch.load(args.ckpt, map_location='cpu')
    cfg = VqConfig.from_dict(ckpt['config'])
    trained_synthesis = cfg.synthesis
    if args.synthesis:
        cfg.synthesis = args.synthesis
    model = VqVae(cfg)
    state = dict(ckpt['state'])
    if cfg.synthesis != 'harmonic' and state['decoder.bank'].shape != model.decoder.bank.shape:
        state['decoder.bank'] = model.decoder.bank  # the same seeded bank over another length
    model.load_state_dict(state)
    model.eval()
    Dense.conv_path = False
    os.makedirs(args.out, exist_ok=True)

    w, d, k, seg = cfg.window, cfg.latent, cfg.codes, cfg.segment
    quantized = args.encoder_weights == 'int8'
    encoder = export_encoder(model, args.encoder_weights)
    graphs = {
        'encoder': {'file': 'encoder.onnx', 'module': EncoderGraph(model, encoder),
                    'inputs': [spec('frames', 'float32', ['frames', w])],
                    'outputs': [spec('codes', 'int64', ['frames']), spec('latents', 'float32', ['frames', d]),
                                spec('gains', 'float32', ['frames', 1])]},
        'encoderSpectrum': {'file': 'encoder-spectrum.onnx', 'module': EncoderSpectrumGraph(model, encoder),
                            'inputs': [spec('spectra', 'float32', ['frames', w // 2 + 1])],
                            'outputs': [spec('codes', 'int64', ['frames']), spec('latents', 'float32', ['frames', d])]},
        'decoder': {'file': 'decoder.onnx', 'module': DecoderGraph(model),
                    'inputs': [spec('latents', 'float32', ['frames', d]), spec('gains', 'float32', ['frames', 1])]
                    + ([spec('f0', 'float32', ['frames'])] if model.decoder.pitch_input else []),
                    'outputs': [spec('segments', 'float32', ['frames', seg])]},
        'codebook': {'file': 'codebook.onnx', 'module': CodebookGraph(model),
                     'inputs': [spec('codes', 'int64', ['frames'])],
                     'outputs': [spec('latents', 'float32', ['frames', d])]},
    }

    held = SegmentSampler(args.corpus, eval_split(args.corpus), w, max(seg, w), seed=5)  # dev, never test
    frames = torch.from_numpy(held.fixed(64, 99)[:, :w].copy())
    frames[0] = 0.0  # a silent frame exercises the gain floor
    frames[1] *= 0.01
    with torch.no_grad():
        codes, latents, gains = graphs['encoder']['module'](frames)
        decoder_in = (latents, gains, yin(frames, YinSettings.of(cfg))) if model.decoder.pitch_input else (latents, gains)
        dummy = {'encoder': (frames,), 'encoderSpectrum': (spectra_of(frames, cfg),), 'decoder': decoder_in,
                 'codebook': (torch.arange(k, dtype=torch.int64),)}
        for g, info in graphs.items():
            outs = info['module'](*dummy[g])
            outs = outs if isinstance(outs, tuple) else (outs,)
            check_shapes(g, outs, info['outputs'], dummy[g][0].shape[0])
            info['torch'] = [o.numpy() for o in outs]
    print(f'export: dummy pass shapes match the manifest for {", ".join(graphs)}')
    same = int((torch.from_numpy(graphs['encoderSpectrum']['torch'][0]) == codes).sum())
    dz = float((torch.from_numpy(graphs['encoderSpectrum']['torch'][1]) - latents).abs().max())
    print(f'export: spectrum encoder vs frames encoder (PyTorch): {same} of {len(codes)} codes equal, '
          f'latents max abs difference {dz:.2e}')
    # int8 blocks: a tiny difference in the input (DFT matrix against FFT) can move one input
    # across a rounding step of its block (max / 127), hence the wider latent tolerance.
    if same < len(codes) or dz > (3e-2 if quantized else 1e-3):
        raise SystemExit('export: the spectrum encoder does not reproduce the frames encoder')
    agreement = float_agreement(model, encoder, args.corpus) if quantized else 1.0

    manifest_graphs = {}
    for g, info in graphs.items():
        path = os.path.join(args.out, info['file'])
        names_in = [s['name'] for s in info['inputs']]
        names_out = [s['name'] for s in info['outputs']]
        dynamic = {s['name']: {0: 'frames'} for s in info['inputs'] + info['outputs']}
        export_graph(info['module'], dummy[g], path, names_in, names_out, dynamic)
        manifest_graphs[g] = {'file': info['file'], 'sha256': sha256(path),
                              'inputs': info['inputs'], 'outputs': info['outputs']}

    summary = ckpt.get('summary', {})
    manifest = {
        'name': NAME, 'kind': 'vqvae', 'version': args.version, 'opset': OPSET,
        'graphs': manifest_graphs,
        'audio': {'sampleRate': cfg.sample_rate, 'feature': 'waveform', 'settings': {
            'channels': 1, 'frameLength': w, 'hop': cfg.hop, 'segmentLength': seg,
            'normalization': 'rms', 'gainFloor': cfg.gain_floor,
            **SYNTHESIS_SETTINGS[cfg.synthesis](cfg),
            'encoderSpectrumGraph': 'encoderSpectrum',
            **({'encoderWeights': 'int8 blocks of 32 along the input (com.microsoft MatMulNBits, int8 block compute; '
                'training/vqvae/quant.py) in both encoder graphs\' first two layers',
                'encoderFloatAgreement': round(agreement, 4)} if quantized else {}),
            'encoderSpectrumInput': '|rfft(hann(frameLength) * frame / gain)| / sqrt(frameLength)',
            # segments = f(latent) * gain: a runtime may decode each code once at unit gain and scale.
            'decoderGain': 'linear',
            **({'decoderPitch': 'f0', 'decoderPitchFeatures': 'log2(f0 / 220) / 2 where voiced, and a voiced flag '
                '(f0 > 0), in the graph', 'decoderPitchAnchorOctaves': 0.25} if model.decoder.pitch_input else {}),
        }},
        'codebook': {'size': k, 'latentDim': d, 'descriptorTable': 'descriptors.json', 'tensorGraph': 'codebook',
                     **({'pitchHz': code_pitch(model, args.corpus)} if cfg.synthesis == 'harmonic' else {})},
        'latency': {'samples': w, 'lookaheadSamples': 0},
        'training': {**summary, 'config': {**cfg.to_dict(), 'synthesis': trained_synthesis}, 'loss': 'multi-resolution STFT: spectral convergence + '
                     'logWeight x L1 of log(magnitude + logEps) (values per stage in stages), sizes 1024/512/256/128, '
                     + ('(harmonic) on each frame\'s normalized STFT magnitude (window W, single resolution) '
                        'against H x comb_f0 + N; ' if trained_synthesis == 'harmonic' else '')
                     + ('hop size/4, on the periodic overlap-add of sequences of consecutive frames (the runtime '
                        'synthesis, gains included, each sequence at unit RMS), compared where all frames overlap; '
                        if trained_synthesis == 'periodic' else
                        'hop size/4, on a segment of W + hop samples at unit gain; ') + 'EMA codebook, '
                     f'commitment {cfg.commitment}, dead-code restarts'},
    }
    with open(os.path.join(args.out, f'{NAME}.json'), 'w') as f:
        json.dump(manifest, f, indent=2)
    print(f'export: wrote {args.out} ({", ".join(i["file"] for i in graphs.values())}, {NAME}.json)')
    if quantized:
        # onnxruntime quantizes each block of inputs itself: a value on a rounding edge may fall
        # the other way than in PyTorch, a step of max / 127 of its block.
        for g in ('encoder', 'encoderSpectrum'):
            graphs[g]['tolerance'] = QUANTIZED_TOLERANCE
    parity(args.out, os.path.dirname(os.path.abspath(args.ckpt)), graphs, dummy)


@torch.no_grad()
def float_agreement(model: VqVae, encoder: nn.Module, corpus: str, minimum: float = 0.99) -> float:
    """Share of held-out frames whose code from the exported (quantized) encoder is the trained
    float encoder's; stops the export below `minimum`."""
    cfg = model.cfg
    frames = FrameSet(corpus, eval_split(corpus), cfg.window, cfg.hop, None, seed=3)
    logm = torch.log(frames.magnitudes + cfg.log_floor)
    same = 0
    for chunk in torch.split(logm, 4096):
        same += int((model.quantizer.nearest(model.encoder.mlp(chunk)) == model.quantizer.nearest(encoder.mlp(chunk))).sum())
    share = same / len(logm)
    print(f'export: quantized vs float encoder on {len(logm)} held-out frames: {same} codes equal ({100 * share:.2f} %)')
    if share < minimum:
        raise SystemExit(f'export: the quantized encoder agrees with the float one on {100 * share:.2f} % of '
                         f'held-out frames, under {100 * minimum:.0f} %')
    return share


@torch.no_grad()
def code_pitch(model: VqVae, corpus: str) -> list:
    """Each code's typical pitch over the training frames it encodes: the median YIN f0 of its
    voiced frames when at least half of them are voiced, else 0 (unvoiced). A series decoded
    without its own f0 (descriptor synthesis, re-quantized deformations) uses these."""
    cfg = model.cfg
    frames = FrameSet(corpus, 'train', cfg.window, cfg.hop, YinSettings.of(cfg), seed=3)
    codes = torch.cat([model.quantizer.nearest(model.encoder.from_magnitudes(m))
                       for m in torch.split(frames.magnitudes, 4096)])
    out = []
    for c in range(cfg.codes):
        f0 = frames.f0[codes == c]
        voiced = f0[f0 > 0]
        out.append(round(float(voiced.median()), 2) if len(f0) and len(voiced) * 2 >= len(f0) else 0.0)
    print(f'export: code pitch from {len(codes)} training frames: {sum(1 for v in out if v > 0)} of {cfg.codes} codes voiced')
    return out


def parity(out_dir, work_dir, graphs, dummy):
    """Writes the dummy inputs and PyTorch outputs beside the checkpoint, runs parity.cjs
    (onnxruntime-node) on them."""
    fixture = {'graphs': {}}
    for g, info in graphs.items():
        fixture['graphs'][g] = {
            **({'tolerance': info['tolerance']} if 'tolerance' in info else {}),
            'inputs': {s['name']: {'dtype': s['dtype'], 'shape': list(t.shape), 'data': t.flatten().tolist()}
                       for s, t in zip(info['inputs'], dummy[g])},
            'outputs': {s['name']: {'dtype': s['dtype'], 'shape': list(t.shape), 'data': t.flatten().tolist()}
                        for s, t in zip(info['outputs'], info['torch'])},
        }
    path = os.path.join(work_dir, 'parity.json')
    with open(path, 'w') as f:
        json.dump(fixture, f)
    script = os.path.join(os.path.dirname(__file__), 'parity.cjs')
    res = subprocess.run(['node', script, out_dir, path])
    if res.returncode != 0:
        raise SystemExit('export: parity check failed')


if __name__ == '__main__':
    sys.exit(main())
