"""PyTorch's time for the work `LensModel.infer` does, on the same GPU, for the GPU row of bench.

Per photo: upload a 640x480 RGBA uint8 photo (bench's synthetic input size), resize so the short
side is 256 and centre-crop 224 (the Keras ResNet-50 preprocessing the built-in models use),
normalize, run the backbone, apply the classifier at every cell (the class maps), take their
spatial mean (logits), the top 5 on the GPU, gather those 5 maps and the winner grid, and read it
all back in one copy. DRN-A-50 is torchvision's ResNet-50 with the strides of its last two stages
replaced by dilation 2 and 4, which is how fyu/drn builds DRN-A-50. Random weights: speed does not
depend on them.

Usage: python3 torch_eager.py [--runs N] [--size S] [ARCH ...]   (ARCH: resnet_50, drn_a_50)
"""
import argparse
import math
import statistics
import time

import torch
import torch.nn.functional as F
import torchvision


def build(arch: str):
    dilate = [False, True, True] if arch == 'drn_a_50' else [False, False, False]
    net = torchvision.models.resnet50(weights=None, replace_stride_with_dilation=dilate)
    net = net.eval().cuda()
    backbone = torch.nn.Sequential(*list(net.children())[:-2])
    weight = net.fc.weight[:, :, None, None].contiguous()
    return backbone, weight, net.fc.bias


def infer(backbone, weight, bias, photo_cpu: torch.Tensor, size: int, k: int = 5):
    x = photo_cpu.cuda(non_blocking=False)[..., :3].permute(2, 0, 1)[None].float()
    h, w = x.shape[2:]
    short = round(size * 256 / 224)
    rh, rw = (short, round(w * short / h)) if h <= w else (round(h * short / w), short)
    x = F.interpolate(x, size=(rh, rw), mode='bilinear', align_corners=False)
    top, left = (rh - size) // 2, (rw - size) // 2
    x = x[:, :, top : top + size, left : left + size]
    mean = torch.tensor([103.939, 116.779, 123.68], device='cuda')[None, :, None, None]
    x = x.flip(1) - mean  # RGB to BGR, Keras 'caffe' mode
    maps = F.conv2d(backbone(x), weight, bias)[0]  # [C, h, w]
    logits = maps.mean((1, 2))
    idx = logits.topk(k).indices
    winner = maps.argmax(0)
    packed = torch.cat([logits, idx.float(), maps[idx].flatten(), winner.float().flatten()])
    return packed.cpu()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--runs', type=int, default=50)
    ap.add_argument('--size', type=int, default=224)
    ap.add_argument('arch', nargs='*', default=['resnet_50', 'drn_a_50'])
    args = ap.parse_args()
    g = torch.Generator().manual_seed(1)
    photo = torch.randint(0, 256, (480, 640, 4), dtype=torch.uint8, generator=g)
    print(f'PyTorch {torch.__version__}, {torch.cuda.get_device_name()}, input 640x480 -> {args.size}, {args.runs} runs after 10 warm-up runs')
    print('| model | precision | median ms | p90 ms |')
    print('| --- | --- | --- | --- |')
    for arch in args.arch:
        backbone, weight, bias = build(arch)
        # Strict fp32 first (what WebGPU computes); then PyTorch's default, which lets cuDNN use TF32 for convolutions.
        for label, tf32 in (('fp32 (TF32 off)', False), ('PyTorch default (cuDNN TF32 on)', True)):
            torch.backends.cudnn.allow_tf32 = tf32
            torch.backends.cuda.matmul.allow_tf32 = False
            with torch.inference_mode():
                for _ in range(10):
                    infer(backbone, weight, bias, photo, args.size)
                times = []
                for _ in range(args.runs):
                    t = time.perf_counter()
                    infer(backbone, weight, bias, photo, args.size)
                    times.append((time.perf_counter() - t) * 1000)
            times.sort()
            print(f'| {arch} | {label} | {statistics.median(times):.2f} | {times[max(0, math.ceil(0.9 * len(times)) - 1)]:.2f} |')


if __name__ == '__main__':
    main()
