/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <semsteg/error.h>
#include <semsteg/phy/sync.h>

#include <algorithm>
#include <cmath>
#include <volk/volk.h>

namespace semsteg {
namespace phy {

namespace {
constexpr size_t block_points = 4096;
}

sc_metric::sc_metric(int half_len) : d_half(half_len)
{
    if (half_len < 4)
        throw error("sc_metric: half length must be >= 4");
    d_prod.resize(block_points + half_len);
    d_mag.resize(block_points + half_len);
}

// Shared kernel: evaluates the metric over [0, num_points) block by block; `visit(d, P, R)`
// returns true to stop early. Returns the index where it stopped (or num_points).
template <typename Visit>
static size_t scan_blocks(const cf* r,
                          size_t num_points,
                          int half,
                          std::vector<cf>& prod,
                          std::vector<float>& mag,
                          Visit visit)
{
    const size_t L = static_cast<size_t>(half);
    for (size_t d0 = 0; d0 < num_points; d0 += block_points) {
        const size_t nb = std::min(block_points, num_points - d0);
        const size_t n = nb + L - 1;
        // prod[i] = r[d0+i+L]·conj(r[d0+i]); mag[i] = |r[d0+i+L]|²
        volk_32fc_x2_multiply_conjugate_32fc(prod.data(), r + d0 + L, r + d0, n);
        volk_32fc_magnitude_squared_32f(mag.data(), r + d0 + L, n);
        std::complex<double> p(0.0, 0.0);
        double e = 0.0;
        for (size_t m = 0; m < L; ++m) {
            p += std::complex<double>(prod[m]);
            e += mag[m];
        }
        for (size_t i = 0; i < nb; ++i) {
            if (visit(d0 + i, p, e))
                return d0 + i;
            if (i + 1 < nb) {
                p += std::complex<double>(prod[i + L]) - std::complex<double>(prod[i]);
                e += static_cast<double>(mag[i + L]) - mag[i];
            }
        }
    }
    return num_points;
}

size_t sc_metric::find_first_above(const cf* r, size_t num_points, float threshold)
{
    const double thr = threshold;
    return scan_blocks(r,
                       num_points,
                       d_half,
                       d_prod,
                       d_mag,
                       [thr](size_t, std::complex<double> p, double e) {
                           // |P|² > thr·R², with R > 0: an all-zero stretch never triggers.
                           return e > 0.0 && std::norm(p) > thr * e * e;
                       });
}

void sc_metric::compute(const cf* r, size_t num_points, float* metric_out, cf* p_out)
{
    scan_blocks(r,
                num_points,
                d_half,
                d_prod,
                d_mag,
                [metric_out, p_out](size_t d, std::complex<double> p, double e) {
                    metric_out[d]
                        = e > 0.0 ? static_cast<float>(std::norm(p) / (e * e)) : 0.0f;
                    if (p_out)
                        p_out[d]
                            = cf(static_cast<float>(p.real()), static_cast<float>(p.imag()));
                    return false;
                });
}

float fractional_cfo_from_p(cf p_sum) { return std::arg(p_sum) / static_cast<float>(M_PI); }

integer_cfo_estimator::integer_cfo_estimator(const frame_params& params,
                                             int max_cfo_subcarriers)
    : d_fft_len(params.fft_len), d_max_g((max_cfo_subcarriers + 1) / 2)
{
    const auto sc = params.sc_symbol();
    const auto ltf = params.ltf_symbol();
    for (int c : params.occupied_carriers()) {
        if (c % 2 != 0)
            continue;
        const int b = params.bin(c);
        d_even_carriers.push_back(c);
        d_v.push_back((sc[b] * ltf[b]).real() >= 0.0f ? 1.0f : -1.0f);
    }
}

int integer_cfo_estimator::estimate(const cf* sc_bins,
                                    const cf* ltf_bins,
                                    float* metric) const
{
    int best_shift = 0;
    float best = -1.0f;
    for (int g = -d_max_g; g <= d_max_g; ++g) {
        std::complex<double> acc(0.0, 0.0);
        double e1 = 0.0, e2 = 0.0;
        for (size_t i = 0; i < d_even_carriers.size(); ++i) {
            const int b = ((d_even_carriers[i] + 2 * g) % d_fft_len + d_fft_len) % d_fft_len;
            const std::complex<double> x1(sc_bins[b]), x2(ltf_bins[b]);
            acc += std::conj(x1) * x2 * static_cast<double>(d_v[i]);
            e1 += std::norm(x1);
            e2 += std::norm(x2);
        }
        const double den = e1 * e2;
        const float m = den > 0.0 ? static_cast<float>(std::norm(acc) / den) : 0.0f;
        if (m > best) {
            best = m;
            best_shift = 2 * g;
        }
    }
    if (metric)
        *metric = std::max(best, 0.0f);
    return best_shift;
}

void derotate(const cf* in, cf* out, size_t n, double eps, int fft_len, double first_index)
{
    const double w = -2.0 * M_PI * eps / fft_len;
    const double ph0 = std::fmod(w * first_index, 2.0 * M_PI);
    lv_32fc_t phase(static_cast<float>(std::cos(ph0)), static_cast<float>(std::sin(ph0)));
    const lv_32fc_t inc(static_cast<float>(std::cos(w)), static_cast<float>(std::sin(w)));
    volk_32fc_s32fc_x2_rotator_32fc(out, in, inc, &phase, static_cast<unsigned>(n));
}

} // namespace phy
} // namespace semsteg
