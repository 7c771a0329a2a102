/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <semsteg/error.h>
#include <semsteg/phy/impairments.h>

#include <cmath>

namespace semsteg {
namespace phy {

impairment_config
impairments_for(const channel_config& channel, const frame_params& params, double phase)
{
    if (channel.type == channel_config::kind::rayleigh)
        throw error("the PHY's test channel has no Rayleigh block fading (give multipath "
                    "taps instead)");
    if (channel.snr_range())
        throw error("the PHY's test channel takes one SNR, not a range");
    if (channel.clock_ratio != 1.0)
        throw error("the PHY's test channel has no sample-clock offset (a fractional delay: "
                    "timing)");
    impairment_config ic;
    ic.noise_var = channel.type == channel_config::kind::none
        ? 0.0f
        : static_cast<float>(channel_config::noise_variance(channel.snr_db));
    ic.cfo = channel.cfo_subcarriers;
    ic.fft_len = params.fft_len;
    ic.taps = channel.unit_energy_taps();
    ic.timing_offset = channel.timing_offset;
    ic.phase = phase;
    return ic;
}

impairments::impairments(const impairment_config& cfg, uint64_t seed)
    : d_cfg(cfg), d_rng(seed), d_normal(0.0f, 1.0f), d_phase(cfg.phase)
{
    if (cfg.taps.empty())
        throw error("impairments: need at least one channel tap");
    if (!(cfg.timing_offset >= 0.0 && cfg.timing_offset < 1.0))
        throw error("impairments: timing_offset must be in [0, 1)");
    // Fractional delay: Hann-windowed sinc, 33 taps, centred on 16 + timing_offset.
    constexpr int half = 16, len = 2 * half + 1;
    std::vector<double> interp(len);
    for (int n = 0; n < len; ++n) {
        const double x = n - half - cfg.timing_offset;
        const double sinc = std::abs(x) < 1e-12 ? 1.0 : std::sin(M_PI * x) / (M_PI * x);
        const double w = 0.5 + 0.5 * std::cos(M_PI * x / (half + 1));
        interp[n] = sinc * w;
    }
    d_fir.assign(cfg.taps.size() + len - 1, 0.0f);
    for (size_t i = 0; i < cfg.taps.size(); ++i)
        for (int n = 0; n < len; ++n)
            d_fir[i + n] += cfg.taps[i] * static_cast<float>(interp[n]);
    d_history.assign(d_fir.size() - 1, 0.0f);
}

std::vector<cf> impairments::apply(const std::vector<cf>& in)
{
    const size_t hist = d_history.size();
    std::vector<cf> x(d_history);
    x.insert(x.end(), in.begin(), in.end());
    std::vector<cf> out(in.size());
    const double w = 2.0 * M_PI * d_cfg.cfo / d_cfg.fft_len;
    const float sigma = std::sqrt(d_cfg.noise_var / 2.0f);
    for (size_t i = 0; i < in.size(); ++i) {
        cf acc = 0.0f;
        for (size_t k = 0; k < d_fir.size(); ++k)
            acc += d_fir[k] * x[hist + i - k];
        acc *= cf(static_cast<float>(std::cos(d_phase)),
                  static_cast<float>(std::sin(d_phase)));
        d_phase = std::fmod(d_phase + w, 2.0 * M_PI);
        if (sigma > 0.0f)
            acc += cf(sigma * d_normal(d_rng), sigma * d_normal(d_rng));
        out[i] = acc;
    }
    std::copy(x.end() - static_cast<ptrdiff_t>(hist), x.end(), d_history.begin());
    return out;
}

} // namespace phy
} // namespace semsteg
