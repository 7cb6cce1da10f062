#!/usr/bin/env python3
"""The variable-angle 3DGAN (Khattak et al., arXiv 2109.07388) in PyTorch, as a command workload.

Layer for layer the network wattsweep builds in TensorFlow Java (worker/.../train/internal:
Generator.java, Discriminator.java, GanDims.java at scale 1), trained per batch as the published
code trains it: the discriminator on real showers, then on generated ones, then the generator
twice. It prints one "WATTSWEEP_STEP batch" line per batch, so that `wattsweep meter` and a
worker's command workload time and meter each batch.

Run it alone or under the meter:
    ./wattsweep meter -- python3 threedgan_torch.py --batch 4 --steps 3
In a worker's commands file it takes the job from WATTSWEEP_BATCH_SIZE, WATTSWEEP_PRECISION,
WATTSWEEP_WARMUP_BATCHES and WATTSWEEP_MEASURED_BATCHES. Precisions: fp32, tf32, bf16
(autocast) and mixed-fp16 (autocast and GradScaler) on CUDA; fp32 on the CPU.

The showers are synthetic and drawn once onto the device (a step gathers its batch by index):
as in wattsweep's SyntheticShowers, Poisson hits of 1 MeV (an assumption) on an exponential
transverse and gamma longitudinal profile, the visible energy following the published 3DGAN
analysis code's fit of the ECAL sum over the primary energy (GetEcalFit, electrons).
"""
import argparse
import math
import os
import sys
import time

import torch
import torch.nn.functional as F
from torch import nn

PRECISIONS = ("fp32", "tf32", "bf16", "mixed-fp16")
XY, Z, LATENT, POWER = 51, 25, 256, 0.85
ECAL_OVER_EP = (0.0018, -0.023, 0.11, -0.28, 2.21)  # GetEcalFit, highest power first
HIT_GEV = 1e-3  # an assumption: sets the occupancy
WEIGHTS = (3.0, 0.1, 25.0, 0.1)  # real/fake, energy, angle, ECAL sum, as published


def conv(cin, cout, kernel, init):
    layer = nn.Conv3d(cin, cout, kernel)
    init(layer.weight)
    nn.init.zeros_(layer.bias)
    return layer


class Generator(nn.Module):
    """Dense onto 9x9x8x8, 6x up-sampling, seven valid convolutions after the Keras paddings."""

    # (padding as F.pad takes it: z, z, y, y, x, x), kernel, filters, batch norm after ReLU
    LAYERS = (((0, 0, 0, 0, 0, 0), (6, 6, 8), 8, True),
              ((1, 1, 2, 2, 2, 2), (4, 4, 6), 6, True),
              ((1, 1, 2, 2, 2, 2), (4, 4, 6), 6, True),
              ((1, 1, 2, 2, 2, 2), (4, 4, 6), 6, True),
              ((0, 0, 1, 1, 1, 1), (3, 3, 5), 6, True),
              ((0, 0, 1, 1, 1, 1), (3, 3, 3), 6, False),
              ((0, 0, 0, 0, 0, 0), (2, 2, 2), 1, False))

    def __init__(self):
        super().__init__()
        self.dense = nn.Linear(LATENT, 9 * 9 * 8 * 8)
        nn.init.xavier_uniform_(self.dense.weight)
        nn.init.zeros_(self.dense.bias)
        self.pads = [pad for pad, _, _, _ in self.LAYERS]
        cin, convs, norms = 8, [], []
        for i, (_, kernel, filters, normed) in enumerate(self.LAYERS):
            last = i == len(self.LAYERS) - 1
            convs.append(conv(cin, filters, kernel,
                              nn.init.xavier_normal_ if last else nn.init.kaiming_uniform_))
            norms.append(nn.BatchNorm3d(filters, eps=1e-6) if normed else nn.Identity())
            cin = filters
        self.convs, self.norms = nn.ModuleList(convs), nn.ModuleList(norms)

    def forward(self, latent):
        x = self.dense(latent).view(-1, 9, 9, 8, 8).permute(0, 4, 1, 2, 3)  # Keras: channels last
        x = F.interpolate(x, scale_factor=6, mode="nearest")
        for pad, conv_, norm in zip(self.pads, self.convs, self.norms):
            x = norm(F.relu(conv_(F.pad(x, pad))))
        return x  # (batch, 1, 51, 51, 25)


class Discriminator(nn.Module):
    """Four (5, 6, 6) convolutions, 2x average pooling, two dense heads, and the ECAL outputs."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv3d(1, 16, (5, 6, 6), padding="same")
        self.convs = nn.ModuleList(nn.Conv3d(cin, 8, (5, 6, 6)) for cin in (16, 8, 8))
        self.norms = nn.ModuleList(nn.BatchNorm3d(8, eps=1e-6) for _ in range(3))
        self.pads = ((1, 1, 0, 0, 0, 0), (1, 1, 0, 0, 0, 0), (0, 0, 0, 0, 0, 0))
        features = 8 * 19 * 18 * 7
        self.fake, self.energy = nn.Linear(features, 1), nn.Linear(features, 1)
        for layer in (self.conv1, *self.convs, self.fake, self.energy):
            nn.init.xavier_uniform_(layer.weight)
            nn.init.zeros_(layer.bias)

    def forward(self, images):
        x = F.dropout(F.leaky_relu(self.conv1(images), 0.3), 0.2, self.training)
        for pad, conv_, norm in zip(self.pads, self.convs, self.norms):
            x = F.dropout(norm(F.leaky_relu(conv_(F.pad(x, pad)), 0.3)), 0.2, self.training)
        flat = F.avg_pool3d(x, 2).flatten(1)
        deposits = images.float().clamp(min=0).pow(1 / POWER)[:, 0]
        return self.fake(flat), self.energy(flat), angle(deposits), deposits.sum((1, 2, 3))[:, None]


def safe_div(a, b, fallback):
    zero = b == 0
    return torch.where(zero, torch.full_like(a, fallback), a / torch.where(zero, torch.ones_like(b), b))


def angle(d):
    """The published ecal_angle: depth-weighted mean over layers of pi/2 - atan(slope)."""
    dev = d.device
    xs, ys, zs = (torch.arange(n, device=dev, dtype=torch.float32) + 0.5 for n in (XY, XY, Z))
    total = d.sum((1, 2, 3))
    x_ref = safe_div((d.sum((2, 3)) * xs).sum(1), total, 1.0)[:, None]
    y_ref = safe_div((d.sum((1, 3)) * ys).sum(1), total, 1.0)[:, None]
    z_ref = safe_div((d.sum((1, 2)) * zs).sum(1), total, 1.0)[:, None]
    layer = d.sum((1, 2))
    x_mid = safe_div((d.sum(2) * xs[:, None]).sum(1), layer, 0.0)
    y_mid = safe_div((d.sum(1) * ys[:, None]).sum(1), layer, 0.0)
    projection = torch.sqrt(torch.clamp((x_mid - x_ref) ** 2 + (zs - z_ref) ** 2, min=1e-7))
    slope = (y_mid - y_ref) / projection
    slope = torch.where(zs < z_ref, -slope, slope)
    weights = zs * (layer != 0).float()
    mean = safe_div(((math.pi / 2 - torch.atan(slope)) * weights).sum(1), weights.sum(1), 0.0)
    return torch.where(total == 0, torch.full_like(mean, 100.0), mean)[:, None]


def showers(events, device, generator):
    """Synthetic showers as SyntheticShowers draws them; cells raised to POWER, as trained."""
    gev = 2 + 498 * torch.rand(events, generator=generator)
    theta = torch.deg2rad(60 + 60 * torch.rand(events, generator=generator))
    units = gev / 100
    ratio = torch.zeros_like(units)
    for c in ECAL_OVER_EP:
        ratio = ratio * units + c
    visible = ratio * units
    cells_per_moliere = 1.5
    centre = (XY - 1) / 2
    cx = centre + 0.3 * cells_per_moliere * torch.randn(events, generator=generator)
    cy = centre + 0.3 * cells_per_moliere * torch.randn(events, generator=generator)
    i = torch.arange(XY, dtype=torch.float32)
    k = torch.arange(Z, dtype=torch.float32)
    t = k + 0.5  # one radiation length per layer
    a = 0.5 * (torch.log(gev / 0.01) - 0.5) + 1
    longitudinal = t ** (a[:, None] - 1) * torch.exp(-0.5 * t)  # (events, z)
    axis_y = cy[:, None] + (k - (Z - 1) / 2) / torch.tan(theta)[:, None]  # (events, z)
    r = torch.sqrt((i[None, :, None, None] - cx[:, None, None, None]) ** 2
                   + (i[None, None, :, None] - axis_y[:, None, None, :]) ** 2)
    profile = torch.exp(-r / cells_per_moliere) * longitudinal[:, None, None, :]
    mean_hits = profile * (visible / HIT_GEV / profile.sum((1, 2, 3)))[:, None, None, None]
    deposits = HIT_GEV * torch.poisson(mean_hits, generator=generator)
    return (deposits.pow(POWER)[:, None].to(device), units[:, None].to(device),
            theta[:, None].to(device), deposits.sum((1, 2, 3))[:, None].to(device))


def loss(heads, real, energy, theta, ecal):
    logit, e, a, s = heads
    bce = F.binary_cross_entropy_with_logits(logit.float(), torch.full_like(logit.float(), real))
    mape = lambda p, y: 100 * ((y - p.float()).abs() / y.abs().clamp(min=1e-7)).mean()
    terms = (bce, mape(e, energy), (a.float() - theta).abs().mean(), mape(s, ecal))
    return sum(w * term for w, term in zip(WEIGHTS, terms))


def parameters(module):
    return sum(p.numel() for p in module.parameters() if p.requires_grad)


def main(argv):
    env = os.environ.get
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--batch", type=int, default=int(env("WATTSWEEP_BATCH_SIZE", "4")))
    p.add_argument("--precision", default=env("WATTSWEEP_PRECISION", "fp32"), choices=PRECISIONS)
    p.add_argument("--steps", type=int, default=int(env("WATTSWEEP_WARMUP_BATCHES", "2"))
                   + int(env("WATTSWEEP_MEASURED_BATCHES", "10")), help="batches, warm-up included")
    p.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--describe", action="store_true", help="print the parameter counts and exit")
    args = p.parse_args(argv)
    if args.batch < 1 or args.steps < 1:
        p.error(f"--batch and --steps must be >= 1: {args.batch}, {args.steps}")
    device = torch.device(args.device)
    if device.type != "cuda" and args.precision != "fp32":
        p.error(f"--precision {args.precision} needs CUDA; the CPU runs fp32 only")
    torch.manual_seed(args.seed)
    g, d = Generator().to(device), Discriminator().to(device)
    print(f"3dgan-torch: generator {parameters(g)} and discriminator {parameters(d)} parameters",
          flush=True)
    if args.describe:
        return 0
    tf32 = args.precision == "tf32"
    torch.backends.cuda.matmul.allow_tf32 = tf32
    torch.backends.cudnn.allow_tf32 = tf32
    autocast = {"bf16": torch.bfloat16, "mixed-fp16": torch.float16}.get(args.precision)
    scaler = torch.cuda.amp.GradScaler(enabled=args.precision == "mixed-fp16")
    g_opt = torch.optim.RMSprop(g.parameters(), lr=1e-3, alpha=0.9, eps=1e-7)
    d_opt = torch.optim.RMSprop(d.parameters(), lr=1e-3, alpha=0.9, eps=1e-7)
    pool = showers(4 * args.batch, device, torch.Generator().manual_seed(args.seed))

    def update(opt, compute):
        opt.zero_grad(set_to_none=True)
        with torch.autocast(device.type, dtype=autocast or torch.bfloat16,
                            enabled=autocast is not None):
            value = compute()
        scaler.scale(value).backward()
        scaler.step(opt)
        scaler.update()
        return value.item()

    def latent(energy, theta):
        noise = torch.randn(energy.shape[0], LATENT - 2, device=device)
        return torch.cat((energy, theta, noise), 1)

    for step in range(args.steps):
        print("WATTSWEEP_STEP batch", flush=True)
        start = time.perf_counter()
        index = torch.arange(step * args.batch, (step + 1) * args.batch, device=device) % pool[0].shape[0]
        images, energy, theta, ecal = (x[index] for x in pool)
        real = update(d_opt, lambda: loss(d(images), 1.0, energy, theta, ecal))
        fake = update(d_opt, lambda: loss(d(g(latent(energy, theta)).detach()), 0.0, energy, theta, ecal))
        d.requires_grad_(False)  # as the published combined model: D judges, only G learns
        gen = [update(g_opt, lambda: loss(d(g(latent(energy, theta))), 1.0, energy, theta, ecal))
               for _ in range(2)]
        d.requires_grad_(True)
        print(f"step {step}: d_loss {(real + fake) / 2:.4f} g_loss {sum(gen) / 2:.4f}"
              f" {time.perf_counter() - start:.3f} s", flush=True)
    print("WATTSWEEP_STEP_END", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
