/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <semsteg/error.h>
#include <semsteg/phy/channel_estimator.h>
#include <semsteg/phy/equalizer.h>

#include <volk/volk.h>
#include <algorithm>
#include <cmath>

namespace semsteg {
namespace phy {

namespace {

using cd = std::complex<double>;

//! In-place inverse of a small Hermitian positive-definite matrix (Gauss-Jordan with partial
//! pivoting; n ≈ 20, done once per receiver).
std::vector<cd> invert(std::vector<cd> a, int n)
{
    std::vector<cd> inv(static_cast<size_t>(n) * n, 0.0);
    for (int i = 0; i < n; ++i)
        inv[i * n + i] = 1.0;
    for (int col = 0; col < n; ++col) {
        int piv = col;
        for (int r = col + 1; r < n; ++r)
            if (std::abs(a[r * n + col]) > std::abs(a[piv * n + col]))
                piv = r;
        if (std::abs(a[piv * n + col]) < 1e-12)
            throw error("channel_estimator: singular fit matrix (too few occupied carriers "
                        "for cp_len + taps_before + 1 taps)");
        if (piv != col)
            for (int c = 0; c < n; ++c) {
                std::swap(a[piv * n + c], a[col * n + c]);
                std::swap(inv[piv * n + c], inv[col * n + c]);
            }
        const cd d = a[col * n + col];
        for (int c = 0; c < n; ++c) {
            a[col * n + c] /= d;
            inv[col * n + c] /= d;
        }
        for (int r = 0; r < n; ++r) {
            if (r == col)
                continue;
            const cd f = a[r * n + col];
            if (f == 0.0)
                continue;
            for (int c = 0; c < n; ++c) {
                a[r * n + c] -= f * a[col * n + c];
                inv[r * n + c] -= f * inv[col * n + c];
            }
        }
    }
    return inv;
}

} // namespace

// ---------------------------------------------------------------- channel_estimator

channel_estimator::channel_estimator(const frame_params& params,
                                     bool smooth,
                                     int taps_before,
                                     float tap_threshold)
    : d_params(params), d_smooth(smooth), d_occ(params.occupied_carriers())
{
    params.validate();
    d_tap_threshold = tap_threshold;
    const auto ltf = params.ltf_symbol();
    for (int c : d_occ)
        d_ltf.push_back(ltf[params.bin(c)]);

    d_first_delay = -std::max(taps_before, 0);
    d_num_taps = params.cp_len + 1 - d_first_delay;
    const int n_occ = static_cast<int>(d_occ.size());
    if (!d_smooth)
        return;
    if (d_num_taps >= n_occ)
        throw error("channel_estimator: more fit taps than occupied carriers");

    const int T = d_num_taps;
    std::vector<cd> F(static_cast<size_t>(n_occ) * T);
    for (int k = 0; k < n_occ; ++k)
        for (int t = 0; t < T; ++t)
            F[k * T + t] = std::polar(1.0, -2.0 * M_PI * d_occ[k] * (t + d_first_delay) /
                                               params.fft_len);
    std::vector<cd> A(static_cast<size_t>(T) * T, 0.0);
    for (int i = 0; i < T; ++i)
        for (int j = 0; j < T; ++j) {
            cd s = 0.0;
            for (int k = 0; k < n_occ; ++k)
                s += std::conj(F[k * T + i]) * F[k * T + j];
            A[i * T + j] = s;
        }
    const auto Ainv = invert(A, T);
    d_fit.assign(static_cast<size_t>(T) * n_occ, 0.0f);
    for (int t = 0; t < T; ++t)
        for (int k = 0; k < n_occ; ++k) {
            cd s = 0.0;
            for (int j = 0; j < T; ++j)
                s += Ainv[t * T + j] * std::conj(F[k * T + j]);
            d_fit[t * n_occ + k] = cf(s);
        }
    d_model.resize(F.size());
    for (size_t i = 0; i < F.size(); ++i)
        d_model[i] = cf(F[i]);
    d_tap_noise_gain.resize(T);
    for (int t = 0; t < T; ++t)
        d_tap_noise_gain[t] = static_cast<float>(Ainv[t * T + t].real());
}

channel_estimate channel_estimator::estimate(const cf* ltf1_bins, const cf* ltf2_bins) const
{
    const size_t n_occ = d_occ.size();
    std::vector<cf> h_ls(n_occ);
    double diff = 0.0;
    for (size_t k = 0; k < n_occ; ++k) {
        const int b = d_params.bin(d_occ[k]);
        const cf y1 = ltf1_bins[b], y2 = ltf2_bins[b];
        h_ls[k] = (y1 + y2) * 0.5f / d_ltf[k];
        diff += std::norm(y1 - y2);
    }
    channel_estimate est;
    est.noise_var = static_cast<float>(diff / (2.0 * n_occ));
    const float ls_var = est.noise_var / 2.0f; // two LTFs averaged, |c| = 1

    std::vector<cf> h(n_occ);
    double power = 0.0;
    if (d_smooth) {
        const int T = d_num_taps;
        std::vector<cf> taps(T);
        for (int t = 0; t < T; ++t) {
            cf s = 0.0f;
            const cf* row = &d_fit[static_cast<size_t>(t) * n_occ];
            volk_32fc_x2_dot_prod_32fc(&s, row, h_ls.data(), static_cast<unsigned>(n_occ));
            // Keep a tap only when it stands out of its own estimation noise.
            taps[t] = std::norm(s) > d_tap_threshold * ls_var * d_tap_noise_gain[t] ? s : 0.0f;
        }
        for (size_t k = 0; k < n_occ; ++k) {
            cf s = 0.0f;
            volk_32fc_x2_dot_prod_32fc(&s, &d_model[k * T], taps.data(), static_cast<unsigned>(T));
            h[k] = s;
            power += std::norm(s);
        }
        power /= n_occ;
    } else {
        h = h_ls;
        for (auto v : h)
            power += std::norm(v);
        power = std::max(power / n_occ - ls_var, 0.0);
    }
    est.h.assign(d_params.fft_len, 0.0f);
    for (size_t k = 0; k < n_occ; ++k)
        est.h[d_params.bin(d_occ[k])] = h[k];
    est.signal_power = static_cast<float>(power);
    est.snr_db = 10.0f * std::log10(std::max(est.signal_power, 1e-30f) /
                                    std::max(est.noise_var, 1e-30f));
    return est;
}

// ---------------------------------------------------------------- symbol_equalizer

symbol_equalizer::symbol_equalizer(const frame_params& params, bool track_amplitude)
    : d_params(params), d_track_amplitude(track_amplitude)
{
    for (int c : params.data_carriers)
        d_data_bins.push_back(params.bin(c));
    for (int c : params.pilot_carriers)
        d_pilot_bins.push_back(params.bin(c));
    for (int c : params.occupied_carriers())
        d_occ_bins.push_back(params.bin(c));
    d_inv_h.assign(d_data_bins.size(), 0.0f);
    d_conj_h.assign(d_data_bins.size(), 0.0f);
    d_pilot_ref.assign(d_pilot_bins.size(), 0.0f);
    d_gather.resize(d_data_bins.size());
}

void symbol_equalizer::set_channel(const std::vector<cf>& h)
{
    if (static_cast<int>(h.size()) != d_params.fft_len)
        throw error("symbol_equalizer: channel estimate must have fft_len bins");
    for (size_t i = 0; i < d_data_bins.size(); ++i) {
        const cf v = h[d_data_bins[i]];
        const float p = std::norm(v);
        // A carrier estimated at exactly zero carries nothing: output 0, never Inf/NaN.
        d_inv_h[i] = p > 0.0f ? std::conj(v) / p : 0.0f;
        d_conj_h[i] = std::conj(v);
    }
    d_pilot_power = 0.0f;
    for (size_t i = 0; i < d_pilot_bins.size(); ++i) {
        d_pilot_ref[i] = h[d_pilot_bins[i]] * d_params.pilot_values[i];
        d_pilot_power += std::norm(h[d_pilot_bins[i]]);
    }
}

symbol_equalizer::tracking symbol_equalizer::track(const cf* bins, size_t symbol_index)
{
    tracking t;
    const float pol = d_params.pilot_polarity(symbol_index);
    cf acc = 0.0f;
    for (size_t i = 0; i < d_pilot_bins.size(); ++i)
        acc += bins[d_pilot_bins[i]] * std::conj(d_pilot_ref[i]) * pol;
    t.phase = std::arg(acc);
    if (d_track_amplitude && d_pilot_power > 0.0f) {
        const float a = std::abs(acc) / d_pilot_power;
        t.amplitude = a > 1e-6f ? a : 1.0f;
    }
    float e = 0.0f;
    for (int b : d_occ_bins)
        e += std::norm(bins[b]);
    t.energy = e / static_cast<float>(d_occ_bins.size());
    return t;
}

symbol_equalizer::tracking
symbol_equalizer::equalize(const cf* bins, size_t symbol_index, cf* out)
{
    const tracking t = track(bins, symbol_index);
    for (size_t i = 0; i < d_data_bins.size(); ++i)
        d_gather[i] = bins[d_data_bins[i]];
    const unsigned n = static_cast<unsigned>(d_data_bins.size());
    volk_32fc_x2_multiply_32fc(out, d_gather.data(), d_inv_h.data(), n);
    const lv_32fc_t rot = std::polar(1.0f / t.amplitude, -t.phase);
    volk_32fc_s32fc_multiply_32fc(out, out, rot, n);
    return t;
}

symbol_equalizer::tracking
symbol_equalizer::matched(const cf* bins, size_t symbol_index, cf* out)
{
    const tracking t = track(bins, symbol_index);
    for (size_t i = 0; i < d_data_bins.size(); ++i)
        d_gather[i] = bins[d_data_bins[i]];
    const unsigned n = static_cast<unsigned>(d_data_bins.size());
    volk_32fc_x2_multiply_32fc(out, d_gather.data(), d_conj_h.data(), n);
    const lv_32fc_t rot = std::polar(1.0f, -t.phase);
    volk_32fc_s32fc_multiply_32fc(out, out, rot, n);
    return t;
}

} // namespace phy
} // namespace semsteg
