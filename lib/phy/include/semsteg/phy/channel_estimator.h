/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef INCLUDED_SEMSTEG_PHY_CHANNEL_ESTIMATOR_H
#define INCLUDED_SEMSTEG_PHY_CHANNEL_ESTIMATOR_H

#include <semsteg/phy/frame_params.h>

namespace semsteg {
namespace phy {

//! A channel estimate per FFT bin (zero on empty carriers) with the noise and SNR estimates.
struct channel_estimate {
    std::vector<cf> h; //!< fft_len bins
    float noise_var = 0.0f; //!< per-carrier noise variance (after the unitary FFT)
    float signal_power = 0.0f; //!< mean |h|² over the occupied carriers
    float snr_db = 0.0f; //!< 10·log10(signal_power / noise_var)
};

/*!
 * Least-squares channel estimate from the two identical LTFs, optionally smoothed.
 *
 * LS: H_k = (Y1_k + Y2_k) / (2 c_k) on every occupied carrier; noise variance from the
 * difference of the two copies, σ² = mean |Y1_k − Y2_k|² / 2 (the signal cancels).
 *
 * Smoothing (default on): a cyclic-prefix OFDM channel is a short impulse response, so the
 * LS estimate is fitted over the occupied carriers only (which copes with the empty guard
 * carriers) by a few paths with delays in −taps_before .. cp_len on a 1/oversample sample
 * grid, chosen greedily (orthogonal matching pursuit) while the next path explains more
 * than `tap_threshold` times the noise a free tap would fit (the best of ~80 noise-only
 * atoms explains about 4–5 times). On a flat channel this removes nearly all of the LS noise;
 * on a multipath channel it keeps the taps that matter. The estimate of a channel longer than
 * the fit window is biased: keep the channel inside the CP, as OFDM requires anyway.
 */
class channel_estimator
{
public:
    explicit channel_estimator(const frame_params& params,
                               bool smooth = true,
                               int taps_before = 4,
                               float tap_threshold = 5.0f,
                               int oversample = 8);

    channel_estimate estimate(const cf* ltf1_bins, const cf* ltf2_bins) const;

    /*!
     * The same, with `extra_count` more known symbols: `extra_ls_sum` holds, per FFT bin, the
     * sum of their LS estimates Y·conj(X)/|X|², already phase-aligned to the LTFs. The
     * receiver uses the CRC-verified header (re-encoded, so exactly known) this way: 16
     * training symbols instead of 2. The noise estimate still comes from the LTFs.
     */
    channel_estimate estimate(const cf* ltf1_bins,
                              const cf* ltf2_bins,
                              const std::vector<cf>& extra_ls_sum,
                              int extra_count) const;

private:
    frame_params d_params;
    bool d_smooth;
    float d_tap_threshold;
    std::vector<int> d_occ; // occupied carriers (signed)
    std::vector<cf> d_ltf; // LTF value per occupied carrier
    int d_num_taps;
    int d_first_delay;
    std::vector<cf> d_model; // F: occ × num_taps (row-major), e^{-j2π k n / N}

    std::vector<cf> fit_taps(const std::vector<cf>& h_ls, float ls_var) const;
};

} // namespace phy
} // namespace semsteg

#endif
