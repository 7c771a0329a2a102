/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "nn_internal.h"

#include <semsteg/error.h>
#include <semsteg/latent_channel.h>
#include <semsteg/latent_symbols.h>

namespace semsteg {

using namespace nn_internal;
namespace nnf = torch::nn::functional;

namespace {

void require_latent_domain(const channel_config& cfg)
{
    if (cfg.has_waveform_impairments())
        throw error("channel '" + cfg.to_string()
                    + "': the latent-domain simulation has no CFO, multipath, timing or "
                      "clock impairments (those are the PHY's: the GNU Radio loopback)");
}

} // namespace

torch::Tensor channel_snr(const channel_config& cfg, int64_t batch, torch::Generator& gen)
{
    require_latent_domain(cfg);
    if (cfg.type == channel_config::kind::none)
        return torch::full({ batch }, 100.0);
    auto snr_db = torch::full({ batch }, cfg.snr_db);
    if (cfg.snr_range())
        snr_db = snr_db + torch::rand({ batch }, gen) * (*cfg.snr_max_db - cfg.snr_db);
    return snr_db;
}

torch::Tensor
apply_channel(const torch::Tensor& latent, const channel_config& cfg, torch::Generator& gen)
{
    return apply_channel_at_snr(latent, cfg, channel_snr(cfg, latent.size(0), gen), gen);
}

torch::Tensor apply_channel_at_snr(const torch::Tensor& latent,
                                   const channel_config& cfg,
                                   const torch::Tensor& snr_per_image,
                                   torch::Generator& gen)
{
    require_latent_domain(cfg);
    if (cfg.type == channel_config::kind::none)
        return latent;
    const int64_t b = latent.size(0);
    if (snr_per_image.numel() != b)
        throw error("channel: " + std::to_string(snr_per_image.numel())
                    + " SNR values for a batch of " + std::to_string(b));
    const auto snr_db = snr_per_image.to(torch::kCPU, torch::kFloat).reshape({ b, 1 });
    const auto noise_std_per_real = torch::sqrt(torch::pow(10.0, -snr_db / 10.0) / 2.0);
    const auto flat = latent.reshape({ b, -1 });
    const auto noise
        = (randn_on_cpu(flat.sizes(), gen, latent) * noise_std_per_real).to(latent.device());
    if (cfg.type == channel_config::kind::awgn)
        return (flat + noise).reshape(latent.sizes());

    // Rayleigh block fading: y = h·s + n with h ~ CN(0,1) per image; zero forcing y/h.
    const auto s = latent_to_complex(latent);
    const auto hr
        = (randn_on_cpu({ b, 1, 2 }, gen, latent) / std::sqrt(2.0)).to(latent.device());
    const auto h = torch::view_as_complex(hr.contiguous());
    const auto n = latent_to_complex(noise.reshape(latent.sizes()));
    return complex_to_latent((h * s + n) / h, latent);
}

} // namespace semsteg
