"""8-bit block weights for the exported encoder MLP (export.py --encoder-weights int8).

A live stream runs the encoder once per hop on one frame. Its MLP then reads every weight
once per call (2.1 MB in float32), more than a core's L2 cache holds, so a float call is
bound by memory traffic. Stored as 8-bit blocks (a quarter of the bytes) the same call is
faster (bench/vq.ts streamRtFactor_block256; docs/vqvae.md).

The exported node is onnxruntime's contrib operator com.microsoft::MatMulNBits with
bits = 8, block_size = 32 along K and accuracy_level = 4 (int8 compute): each block of 32
weights of an output column is stored as round(w / s) + 128 with s = max|w| / 127 over the
block; each block of 32 inputs of a row is quantized the same way at run time (symmetric,
s = max|a| / 127), and the block products are summed in integers, then scaled. The forward
below computes exactly that in floating point, so PyTorch and onnxruntime agree to rounding
(parity.cjs) and the quantized encoder can be compared with the float one (export.py).
Only the two large layers are quantized; the last (hidden -> latent) stays float.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

BITS = 8
BLOCK = 32
ACCURACY_INT8 = 4
ZERO_POINT = 1 << (BITS - 1)
QMAX = (1 << (BITS - 1)) - 1


def quantize_blocks(w: torch.Tensor):
    """w [N, K] -> (codes uint8 [N, kBlocks, BLOCK], scales float32 [N, kBlocks]); K is
    zero-padded to whole blocks. The signed code of a weight is its uint8 code - ZERO_POINT."""
    n, k = w.shape
    kb = (k + BLOCK - 1) // BLOCK
    padded = torch.zeros(n, kb * BLOCK, dtype=torch.float64)
    padded[:, :k] = w.double()
    blocks = padded.view(n, kb, BLOCK)
    scales = (blocks.abs().amax(-1) / QMAX).float()
    safe = torch.where(scales > 0, scales, torch.ones_like(scales)).double()
    q = torch.clamp(torch.round(blocks / safe[..., None]), -QMAX, QMAX)
    return (q + ZERO_POINT).to(torch.uint8).contiguous(), scales.contiguous()


def block_int8_matmul(x: torch.Tensor, codes: torch.Tensor, scales: torch.Tensor, bias: torch.Tensor, k: int) -> torch.Tensor:
    """x [M, K] times the block weights (uint8 codes [N, kBlocks, BLOCK], scales [N, kBlocks])
    with each block of 32 inputs of a row quantized to int8 (what onnxruntime computes)."""
    kb = scales.shape[1]
    q = codes.double() - ZERO_POINT
    a = F.pad(x.double(), (0, kb * BLOCK - k)).view(x.shape[0], kb, BLOCK)
    sa = a.abs().amax(-1) / QMAX                                       # [M, kBlocks]
    qa = torch.round(a / torch.where(sa > 0, sa, torch.ones_like(sa))[..., None])
    dots = torch.einsum('mbj,nbj->mnb', qa, q)                          # exact integers
    y = (dots * sa[:, None, :] * scales.double()[None, :, :]).sum(-1)
    return (y + bias.double()).float()


class _MatMulNBits(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, codes, scales, bias, k, n):
        return block_int8_matmul(x, codes, scales, bias, k)

    @staticmethod
    def symbolic(g, x, codes, scales, bias, k, n):
        y = g.op('com.microsoft::MatMulNBits', x, codes, scales, K_i=k, N_i=n, bits_i=BITS,
                 block_size_i=BLOCK, accuracy_level_i=ACCURACY_INT8)
        return g.op('Add', y, bias)


class BlockInt8Linear(nn.Module):
    """A frozen nn.Linear with 8-bit block weights and int8 block compute (see module doc)."""

    def __init__(self, linear: nn.Linear):
        super().__init__()
        codes, scales = quantize_blocks(linear.weight.detach())
        self.k, self.n = linear.in_features, linear.out_features
        self.register_buffer('codes', codes)
        self.register_buffer('scales', scales)
        self.register_buffer('bias', linear.bias.detach().clone())

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if torch.onnx.is_in_onnx_export():
            return _MatMulNBits.apply(x, self.codes, self.scales, self.bias, self.k, self.n)
        return block_int8_matmul(x, self.codes, self.scales, self.bias, self.k)


def quantized_mlp(mlp: nn.Sequential) -> nn.Sequential:
    """The encoder MLP (Dense, act, Dense, act, Dense) with its two large layers as BlockInt8Linear."""
    layers = list(mlp)
    linear = [i for i, m in enumerate(layers) if isinstance(m, nn.Linear)]
    for i in linear[:-1]:
        layers[i] = BlockInt8Linear(layers[i])
    return nn.Sequential(*layers).eval()
