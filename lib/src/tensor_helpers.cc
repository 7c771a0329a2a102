/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
// The tensor helpers: LibTorch's threads, latents ↔ complex symbols, images ↔ tensors.

#include <semsteg/error.h>
#include <semsteg/latent_symbols.h>
#include <semsteg/tensor_images.h>
#include <semsteg/threads.h>

#include <malloc.h>

#include <algorithm>
#include <mutex>
#include <thread>

namespace semsteg {

void keep_freed_buffers_mapped()
{
    static std::once_flag once;
    std::call_once(once, [] {
        mallopt(M_MMAP_THRESHOLD, 256 << 20);
        mallopt(M_TRIM_THRESHOLD, 512 << 20);
    });
}

int set_torch_threads(int n)
{
    keep_freed_buffers_mapped();
    if (n <= 0)
        n = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    torch::set_num_threads(n);
    return torch::get_num_threads();
}

// ---------------------------------------------------------------- latent ↔ symbols (tensors)

at::Tensor latent_to_complex(const at::Tensor& latent)
{
    const int64_t b = latent.size(0);
    num_symbols_for_reals(static_cast<size_t>(latent.numel() / std::max<int64_t>(b, 1)));
    return torch::view_as_complex(latent.contiguous().reshape({ b, -1, 2 }));
}

at::Tensor complex_to_latent(const at::Tensor& symbols, const at::Tensor& like_latent)
{
    return torch::view_as_real(symbols.contiguous()).reshape(like_latent.sizes());
}

at::Tensor normalize_power_batch(const at::Tensor& latent)
{
    const int64_t b = latent.size(0);
    const auto flat = latent.reshape({ b, -1 });
    const double k
        = static_cast<double>(num_symbols_for_reals(static_cast<size_t>(flat.size(1))));
    const auto energy = flat.pow(2).sum(1, /*keepdim=*/true).clamp_min(1e-12);
    return (flat * torch::sqrt(k / energy)).reshape(latent.sizes());
}

// ---------------------------------------------------------------- images ↔ tensors

torch::Tensor images_to_tensor(const std::vector<image>& images)
{
    if (images.empty())
        throw error("images_to_tensor: no images");
    const int w = images[0].width, h = images[0].height;
    auto batch = torch::empty({ static_cast<int64_t>(images.size()), h, w, 3 });
    float* dst = batch.data_ptr<float>();
    for (const auto& im : images) {
        if (im.width != w || im.height != h)
            throw error("images_to_tensor: mixed sizes " + std::to_string(w) + "x"
                        + std::to_string(h) + " and " + std::to_string(im.width) + "x"
                        + std::to_string(im.height));
        dst = std::copy(im.rgb.begin(), im.rgb.end(), dst);
    }
    return batch.permute({ 0, 3, 1, 2 }).contiguous();
}

std::vector<image> tensor_to_images(const torch::Tensor& batch)
{
    if (batch.dim() != 4 || batch.size(1) != 3)
        throw error("tensor_to_images: expected [B,3,H,W], got "
                    + (std::ostringstream() << batch.sizes()).str());
    const auto hwc = batch.detach().to(torch::kFloat).permute({ 0, 2, 3, 1 }).contiguous();
    std::vector<image> out;
    const float* src = hwc.data_ptr<float>();
    for (int64_t i = 0; i < batch.size(0); ++i) {
        image im(static_cast<int>(batch.size(3)), static_cast<int>(batch.size(2)));
        std::copy(src, src + im.rgb.size(), im.rgb.begin());
        src += im.rgb.size();
        out.push_back(std::move(im));
    }
    return out;
}

} // namespace semsteg
