/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef INCLUDED_SEMSTEG_PHY_SYNC_H
#define INCLUDED_SEMSTEG_PHY_SYNC_H

/*!
 * \file sync.h
 * Schmidl-Cox synchronisation: timing metric, fractional and integer CFO estimation, and
 * fine timing on the LTF. CFOs are in subcarrier spacings (ε: the signal is multiplied by
 * e^{j2πεn/N}); correct with e^{-j2πεn/N}.
 */

#include <semsteg/phy/fft.h>
#include <semsteg/phy/frame_params.h>

namespace semsteg {
namespace phy {

/*!
 * Sliding Schmidl-Cox metric M(d) = |P(d)|² / R(d)², with half length L = fft_len/2:
 * P(d) = Σ_{m<L} r[d+m+L]·conj(r[d+m]), R(d) = Σ_{m<L} |r[d+m+L]|².
 * M is 1 on the plateau of the SC symbol (cp_len samples long, less the delay spread) and
 * about 1/L on noise. VOLK computes the products; running sums are kept in double and
 * restarted every block so rounding cannot build up.
 */
class sc_metric
{
public:
    explicit sc_metric(int half_len);
    int half_len() const { return d_half; }
    /*!
     * Scans d = 0 .. num_points-1 (needs num_points + 2L - 1 samples) and returns the first d
     * with M(d) > threshold, or num_points when there is none.
     */
    size_t find_first_above(const cf* r, size_t num_points, float threshold);
    //! M(d) for d = 0 .. num_points-1 (needs num_points + 2L - 1 samples); for tests and
    //! the plateau search.
    void compute(const cf* r, size_t num_points, float* metric_out, cf* p_out = nullptr);

private:
    int d_half;
    std::vector<cf> d_prod;
    std::vector<float> d_mag;
};

//! Fractional CFO from an accumulated P (sum of P(d) over the plateau): ε = arg(P)/π,
//! in (-1, 1] subcarrier spacings (the halves are N/2 apart).
float fractional_cfo_from_p(cf p_sum);

/*!
 * Integer CFO (an even number of subcarriers, since the fractional part covers ±1) from the
 * FFTs of the SC symbol and the first LTF taken after fractional correction with the same
 * timing: the Schmidl-Cox differential metric
 *   B(g) = |Σ_k conj(X1[k+2g]) X2[k+2g] v_k|² / (Σ|X1[k+2g]|² Σ|X2[k+2g]|²),
 * v_k = sign(ltf_k / sc_k) over the even occupied carriers k. The differential product
 * cancels the channel and any timing offset within the CP.
 */
class integer_cfo_estimator
{
public:
    integer_cfo_estimator(const frame_params& params, int max_cfo_subcarriers);
    //! Returns the integer CFO (2g) and writes the normalised metric B(g) ∈ [0, 1] of the
    //! best g to *metric.
    int estimate(const cf* sc_bins, const cf* ltf_bins, float* metric) const;

private:
    int d_fft_len;
    int d_max_g;
    std::vector<int> d_even_carriers;
    std::vector<float> d_v;
};

//! Rotates `n` samples by e^{-j2π ε (first_index + i)/N}, i = 0..n-1 (VOLK rotator);
//! `first_index` is relative to the caller's phase reference, so symbols derotated
//! separately stay phase-continuous.
void derotate(const cf* in, cf* out, size_t n, double eps, int fft_len, double first_index);

} // namespace phy
} // namespace semsteg

#endif
