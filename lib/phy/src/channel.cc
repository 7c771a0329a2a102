/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <semsteg/error.h>
#include <semsteg/phy/channel_estimator.h>
#include <semsteg/phy/equalizer.h>

#include <algorithm>
#include <cmath>
#include <volk/volk.h>

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
            throw error("channel_estimator: singular fit matrix");
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
                                     float tap_threshold,
                                     int oversample)
    : d_params(params), d_smooth(smooth), d_occ(params.occupied_carriers())
{
    params.validate();
    d_tap_threshold = tap_threshold;
    const auto ltf = params.ltf_symbol();
    for (int c : d_occ)
        d_ltf.push_back(ltf[params.bin(c)]);

    d_first_delay = -std::max(taps_before, 0);
    // Dictionary of delays first_delay .. cp_len on a 1/oversample grid: fractional timing
    // offsets (and fractional path delays) then need one atom each instead of a slowly
    // decaying sinc of sample-spaced taps, every one of which would bring its own noise.
    d_num_taps = (params.cp_len - d_first_delay) * oversample + 1;
    const int n_occ = static_cast<int>(d_occ.size());
    if (!d_smooth)
        return;
    const int T = d_num_taps;
    d_model.resize(static_cast<size_t>(n_occ) * T);
    for (int k = 0; k < n_occ; ++k)
        for (int t = 0; t < T; ++t) {
            const double delay = d_first_delay + static_cast<double>(t) / oversample;
            d_model[k * T + t] = std::polar(
                1.0f, static_cast<float>(-2.0 * M_PI * d_occ[k] * delay / params.fft_len));
        }
}

std::vector<cf> channel_estimator::fit_taps(const std::vector<cf>& h_ls, float ls_var) const
{
    // Greedy (orthogonal matching pursuit) choice of taps: add the delay that explains most
    // of the residual, refit all chosen taps by least squares, stop when the best remaining
    // delay explains less than tap_threshold × the noise a free tap would pick up. A full fit
    // of all taps is ill-conditioned (the guard carriers leave some delay-domain directions
    // almost unobserved) and would keep the noise of every tap; this keeps only the taps that
    // matter.
    const int n_occ = static_cast<int>(d_occ.size());
    const int T = d_num_taps;
    std::vector<cd> resid(h_ls.begin(), h_ls.end());
    std::vector<int> chosen;
    std::vector<cd> taps;
    const double stop = static_cast<double>(d_tap_threshold) * ls_var;
    const int max_paths = d_params.cp_len + 1;
    while (static_cast<int>(chosen.size()) < max_paths) {
        int best = -1;
        double best_gain = -1.0;
        for (int t = 0; t < T; ++t) {
            if (std::find(chosen.begin(), chosen.end(), t) != chosen.end())
                continue;
            cd c = 0.0;
            for (int k = 0; k < n_occ; ++k)
                c += std::conj(cd(d_model[k * T + t])) * resid[k];
            const double gain = std::norm(c) / n_occ; // residual energy this tap removes
            if (gain > best_gain) {
                best_gain = gain;
                best = t;
            }
        }
        if (best < 0 || best_gain <= stop)
            break;
        chosen.push_back(best);
        // Least squares on the chosen delays: (F_S^H F_S) x = F_S^H h_ls.
        // A tiny ridge keeps neighbouring (strongly correlated) atoms well-posed.
        const int m = static_cast<int>(chosen.size());
        std::vector<cd> a(static_cast<size_t>(m) * m), rhs(m);
        for (int i = 0; i < m; ++i) {
            for (int j = 0; j < m; ++j) {
                cd v = 0.0;
                for (int k = 0; k < n_occ; ++k)
                    v += std::conj(cd(d_model[k * T + chosen[i]]))
                        * cd(d_model[k * T + chosen[j]]);
                a[i * m + j] = v + (i == j ? 1e-3 * n_occ : 0.0);
            }
            cd v = 0.0;
            for (int k = 0; k < n_occ; ++k)
                v += std::conj(cd(d_model[k * T + chosen[i]])) * cd(h_ls[k]);
            rhs[i] = v;
        }
        const auto inv = invert(a, m);
        taps.assign(m, 0.0);
        for (int i = 0; i < m; ++i)
            for (int j = 0; j < m; ++j)
                taps[i] += inv[i * m + j] * rhs[j];
        for (int k = 0; k < n_occ; ++k) {
            cd model = 0.0;
            for (int i = 0; i < m; ++i)
                model += cd(d_model[k * T + chosen[i]]) * taps[i];
            resid[k] = cd(h_ls[k]) - model;
        }
    }
    std::vector<cf> h(n_occ, 0.0f);
    for (int k = 0; k < n_occ; ++k) {
        cd v = 0.0;
        for (size_t i = 0; i < chosen.size(); ++i)
            v += cd(d_model[k * T + chosen[i]]) * taps[i];
        h[k] = cf(v);
    }
    return h;
}

channel_estimate channel_estimator::estimate(const cf* ltf1_bins, const cf* ltf2_bins) const
{
    return estimate(ltf1_bins, ltf2_bins, std::vector<cf>(), 0);
}

channel_estimate channel_estimator::estimate(const cf* ltf1_bins,
                                             const cf* ltf2_bins,
                                             const std::vector<cf>& extra_ls_sum,
                                             int extra_count) const
{
    if (extra_count > 0 && static_cast<int>(extra_ls_sum.size()) != d_params.fft_len)
        throw error("channel_estimator: extra_ls_sum must have fft_len bins");
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
    const int n_training = 2 + std::max(extra_count, 0);
    if (extra_count > 0)
        for (size_t k = 0; k < n_occ; ++k)
            h_ls[k] = (2.0f * h_ls[k] + extra_ls_sum[d_params.bin(d_occ[k])])
                / static_cast<float>(n_training);
    const float ls_var = est.noise_var / n_training; // |X| = 1 on every training carrier

    std::vector<cf> h(n_occ);
    double power = 0.0;
    if (d_smooth) {
        h = fit_taps(h_ls, ls_var);
        for (auto v : h)
            power += std::norm(v);
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
    est.snr_db = 10.0f
        * std::log10(std::max(est.signal_power, 1e-30f) / std::max(est.noise_var, 1e-30f));
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
    d_inv_h.assign(d_data_bins.size(), 0.0f);
    d_conj_h.assign(d_data_bins.size(), 0.0f);
    d_pilot_ref.assign(d_pilot_bins.size(), 0.0f);
    d_gather.resize(d_data_bins.size());
}

void symbol_equalizer::set_channel(const std::vector<cf>& h, float mmse_noise_var)
{
    const float reg = mmse_noise_var > 0.0f ? mmse_noise_var : 0.0f;
    if (static_cast<int>(h.size()) != d_params.fft_len)
        throw error("symbol_equalizer: channel estimate must have fft_len bins");
    for (size_t i = 0; i < d_data_bins.size(); ++i) {
        const cf v = h[d_data_bins[i]];
        const float p = std::norm(v) + reg;
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

symbol_equalizer::tracking
symbol_equalizer::track(const cf* bins, size_t symbol_index, int used_data)
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
    t.energy = energy(bins, used_data);
    return t;
}

symbol_equalizer::tracking
symbol_equalizer::equalize(const cf* bins, size_t symbol_index, cf* out, int used_data)
{
    const tracking t = track(bins, symbol_index, used_data);
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
    const tracking t = track(bins, symbol_index, -1);
    for (size_t i = 0; i < d_data_bins.size(); ++i)
        d_gather[i] = bins[d_data_bins[i]];
    const unsigned n = static_cast<unsigned>(d_data_bins.size());
    volk_32fc_x2_multiply_32fc(out, d_gather.data(), d_conj_h.data(), n);
    const lv_32fc_t rot = std::polar(1.0f, -t.phase);
    volk_32fc_s32fc_multiply_32fc(out, out, rot, n);
    return t;
}

cf symbol_equalizer::pilot_correlation(const cf* bins, size_t symbol_index) const
{
    const float pol = d_params.pilot_polarity(symbol_index);
    cf acc = 0.0f;
    for (size_t i = 0; i < d_pilot_bins.size(); ++i)
        acc += bins[d_pilot_bins[i]] * std::conj(d_pilot_ref[i]) * pol;
    return acc;
}

float symbol_equalizer::energy(const cf* bins, int used_data) const
{
    const size_t n_used = used_data < 0 ? d_data_bins.size()
                                        : std::min(d_data_bins.size(), size_t(used_data));
    float e = 0.0f;
    for (int b : d_pilot_bins)
        e += std::norm(bins[b]);
    for (size_t i = 0; i < n_used; ++i)
        e += std::norm(bins[d_data_bins[i]]);
    return e / static_cast<float>(d_pilot_bins.size() + n_used);
}

void symbol_equalizer::apply(const cf* bins, cf correction, cf* out)
{
    for (size_t i = 0; i < d_data_bins.size(); ++i)
        d_gather[i] = bins[d_data_bins[i]];
    const unsigned n = static_cast<unsigned>(d_data_bins.size());
    volk_32fc_x2_multiply_32fc(out, d_gather.data(), d_inv_h.data(), n);
    volk_32fc_s32fc_multiply_32fc(out, out, correction, n);
}

std::vector<cf>
smooth_pilot_phases(const std::vector<cf>& a, int half_window, float pilot_power)
{
    const int n = static_cast<int>(a.size());
    std::complex<double> d = 0.0;
    for (int j = 0; j + 1 < n; ++j)
        d += std::complex<double>(a[j + 1]) * std::conj(std::complex<double>(a[j]));
    const double drift = n > 1 ? std::arg(d) : 0.0;
    std::vector<cf> corr(n);
    for (int j = 0; j < n; ++j) {
        std::complex<double> acc = 0.0;
        int count = 0;
        for (int i = std::max(0, j - half_window); i <= std::min(n - 1, j + half_window);
             ++i) {
            acc += std::complex<double>(a[i]) * std::polar(1.0, -drift * (i - j));
            ++count;
        }
        const double phase = std::arg(acc);
        double gain = 1.0;
        if (pilot_power > 0.0f) {
            gain = std::abs(acc) / (count * static_cast<double>(pilot_power));
            if (!(gain > 1e-6))
                gain = 1.0;
        }
        corr[j] = cf(std::polar(1.0 / gain, -phase));
    }
    return corr;
}

} // namespace phy
} // namespace semsteg
