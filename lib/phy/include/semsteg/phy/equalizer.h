/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef INCLUDED_SEMSTEG_PHY_EQUALIZER_H
#define INCLUDED_SEMSTEG_PHY_EQUALIZER_H

#include <semsteg/phy/frame_params.h>

namespace semsteg {
namespace phy {

/*!
 * Static zero-forcing equaliser from the preamble channel estimate, plus per-OFDM-symbol
 * common-phase (and optionally amplitude) tracking on the pilots. Nothing here looks at the
 * data carriers' values: the payload is analog, so there are no decisions to direct on.
 *
 * Per symbol: A = Σ_p Y_p·conj(H_p·P_p) over the pilots (P_p: pilot value × polarity);
 * θ = arg A corrects the residual CFO / phase noise; a = |A| / Σ|H_p|² (if tracked) the gain.
 *
 * Zero forcing (default) keeps every latent symbol unbiased, so the decoder sees s + noise
 * with a per-carrier noise level; set_channel's noise_var > 0 selects the per-carrier MMSE
 * (Wiener) weight conj(H)/(|H|² + σ²) instead, which shrinks faded carriers toward 0 and
 * minimises the mean squared error (biased: E[z|s] = s·|H|²/(|H|² + σ²)).
 */
class symbol_equalizer
{
public:
    symbol_equalizer(const frame_params& params, bool track_amplitude = false);

    //! noise_var > 0: MMSE weights for unit-power symbols; 0: zero forcing.
    void set_channel(const std::vector<cf>& h_bins, float mmse_noise_var = 0.0f);

    struct tracking {
        float phase = 0.0f; //!< pilot common phase θ (rad)
        float amplitude = 1.0f; //!< pilot gain a (1 if not tracked)
        float energy = 0.0f; //!< mean |Y|² over the pilots and the used data carriers
            //!< (burst-end check)
    };

    /*!
     * Equalised data carriers: Y_k / H_k · e^{-jθ} / a, written to out[0..num_data).
     * `used_data` (default all) is how many data carriers carry symbols (the last payload
     * symbol is padded); only they count in tracking::energy.
     */
    tracking equalize(const cf* bins, size_t symbol_index, cf* out, int used_data = -1);
    //! Matched-filter data carriers for soft decoding: Y_k · conj(H_k) · e^{-jθ}.
    tracking matched(const cf* bins, size_t symbol_index, cf* out);

    // Building blocks for frame-level (smoothed) pilot tracking, see smooth_pilot_phases().
    //! A = Σ_p Y_p·conj(H_p·P_p) of one symbol.
    cf pilot_correlation(const cf* bins, size_t symbol_index) const;
    //! Σ_p |H_p|²: |A| / pilot_power() is the symbol's gain.
    float pilot_power() const { return d_pilot_power; }
    //! Mean |Y|² over the pilots and the first `used_data` data carriers.
    float energy(const cf* bins, int used_data) const;
    //! out = Y_k / H_k · correction on the data carriers.
    void apply(const cf* bins, cf correction, cf* out);

private:
    tracking track(const cf* bins, size_t symbol_index, int used_data);

    frame_params d_params;
    bool d_track_amplitude;
    std::vector<int> d_data_bins, d_pilot_bins;
    std::vector<cf> d_inv_h; // 1/H on data carriers
    std::vector<cf> d_conj_h; // conj(H) on data carriers
    std::vector<cf> d_pilot_ref; // H_p·P_p (polarity applied per symbol)
    float d_pilot_power = 0.0f;
    std::vector<cf> d_gather;
};

/*!
 * Frame-level smoothing of per-symbol pilot correlations A_j (j = 0..n-1): the common drift
 * b = arg Σ A_{j+1}·conj(A_j) (residual CFO) is removed, then A is averaged over
 * j ± half_window, so each symbol's phase keeps tracking slow phase noise while the pilot
 * noise drops by the window length (4 pilots alone leave 1/8 of the channel noise as phase
 * noise, 0.5 dB). Returns the per-symbol correction e^{-jθ_j} (divided by the smoothed gain
 * a_j when pilot_power > 0, i.e. amplitude tracking; pass 0 for phase only).
 * half_window = 0 is plain per-symbol tracking.
 */
std::vector<cf>
smooth_pilot_phases(const std::vector<cf>& pilot_corr, int half_window, float pilot_power);

} // namespace phy
} // namespace semsteg

#endif
