/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <semsteg/error.h>
#include <semsteg/metrics.h>

#include <torch/torch.h>

#include <cmath>
#include <map>
#include <sstream>
#include <string>
#include <tuple>

namespace semsteg {

namespace {

constexpr int window = 11;
constexpr double sigma = 1.5;
constexpr double c1 = 0.01 * 0.01, c2 = 0.03 * 0.03;
constexpr double standard_weights[5] = { 0.0448, 0.2856, 0.3001, 0.2363, 0.1333 };

void check_pair(const at::Tensor& a, const at::Tensor& b)
{
    if (a.dim() != 4 || a.sizes() != b.sizes())
        throw error("metrics: expected two image batches [B,C,H,W] of equal shape, got "
                    + (std::ostringstream() << a.sizes()).str() + " and "
                    + (std::ostringstream() << b.sizes()).str());
}

// The 11-tap Gaussian as a banded [n, n-10] matrix: x·band(W) filters rows "valid", and
// band(H)ᵀ·x columns. Separable matmuls in double are ~20× faster in LibTorch 1.13 than a
// grouped double-precision conv2d, whose speed collapses on batches of more than a few images.
torch::Tensor make_gaussian_band(int64_t n, const torch::TensorOptions& opt)
{
    auto x = torch::arange(window, opt) - (window - 1) / 2.0;
    auto g = torch::exp(-(x * x) / (2 * sigma * sigma));
    g = g / g.sum();
    auto band = torch::zeros({ n, n - window + 1 }, opt);
    for (int64_t j = 0; j + window <= n; ++j)
        band.index_put_({ torch::indexing::Slice(j, j + window), j }, g);
    return band;
}

// Made once per size, dtype and device (per thread): building one takes ~n small tensor
// operations, as long as filtering a batch of 64x64 images with it.
torch::Tensor gaussian_band(int64_t n, const torch::TensorOptions& opt)
{
    thread_local std::map<std::tuple<int64_t, int, std::string>, torch::Tensor> bands;
    const auto key = std::make_tuple(
        n, static_cast<int>(opt.dtype().toScalarType()), opt.device().str());
    auto it = bands.find(key);
    if (it == bands.end())
        it = bands.emplace(key, make_gaussian_band(n, opt)).first;
    return it->second;
}

// Per-channel means of the SSIM map and of the contrast-structure map: [B, C] each.
std::pair<torch::Tensor, torch::Tensor> ssim_cs(const torch::Tensor& a,
                                                const torch::Tensor& b)
{
    const auto band_h = gaussian_band(a.size(2), a.options()).t();
    const auto band_w = gaussian_band(a.size(3), a.options());
    auto filt = [&](const torch::Tensor& x) {
        return torch::matmul(band_h, torch::matmul(x, band_w));
    };
    const auto mu_a = filt(a), mu_b = filt(b);
    const auto saa = filt(a * a) - mu_a * mu_a;
    const auto sbb = filt(b * b) - mu_b * mu_b;
    const auto sab = filt(a * b) - mu_a * mu_b;
    const auto cs_map = (2 * sab + c2) / (saa + sbb + c2);
    const auto l_map = (2 * mu_a * mu_b + c1) / (mu_a * mu_a + mu_b * mu_b + c1);
    return { (l_map * cs_map).mean({ 2, 3 }), cs_map.mean({ 2, 3 }) };
}

} // namespace

at::Tensor psnr(const at::Tensor& a, const at::Tensor& b)
{
    check_pair(a, b);
    const auto mse = (a.to(torch::kDouble) - b.to(torch::kDouble)).pow(2).mean({ 1, 2, 3 });
    return (10.0 * torch::log10(1.0 / mse)).clamp_max(psnr_cap_db).to(torch::kFloat);
}

at::Tensor ssim(const at::Tensor& a, const at::Tensor& b)
{
    check_pair(a, b);
    if (a.size(2) < window || a.size(3) < window)
        throw error("metrics: SSIM needs images of at least 11×11");
    return ssim_cs(a.to(torch::kDouble), b.to(torch::kDouble))
        .first.mean(1)
        .to(torch::kFloat);
}

int ms_ssim_scales(int side)
{
    int scales = 0;
    while (scales < 5 && side >= window) {
        ++scales;
        side /= 2;
    }
    return scales;
}

at::Tensor ms_ssim(const at::Tensor& a_in, const at::Tensor& b_in)
{
    check_pair(a_in, b_in);
    const int scales = ms_ssim_scales(static_cast<int>(std::min(a_in.size(2), a_in.size(3))));
    if (scales == 0)
        throw error("metrics: MS-SSIM needs images of at least 11×11");
    double wsum = 0;
    for (int j = 0; j < scales; ++j)
        wsum += standard_weights[j];
    // Single precision: 2× the speed of double (the image sinks measure every image on the
    // inference engine), within 3e-6 of the double-precision references on the fixtures
    // (test_metrics holds it to 1e-5).
    auto a = a_in.to(torch::kFloat), b = b_in.to(torch::kFloat);
    auto result = torch::ones({ a.size(0), a.size(1) }, a.options());
    for (int j = 0; j < scales; ++j) {
        const auto [s, cs] = ssim_cs(a, b);
        const double wj = standard_weights[j] / wsum;
        result = result * torch::relu(j + 1 < scales ? cs : s).pow(wj);
        if (j + 1 < scales) {
            a = torch::avg_pool2d(a, 2);
            b = torch::avg_pool2d(b, 2);
        }
    }
    return result.mean(1).to(torch::kFloat);
}

} // namespace semsteg
