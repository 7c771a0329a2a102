/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef INCLUDED_SEMSTEG_PHY_IMPAIRMENTS_H
#define INCLUDED_SEMSTEG_PHY_IMPAIRMENTS_H

#include <random>
#include <semsteg/channel.h>
#include <semsteg/phy/frame_params.h>

namespace semsteg {
namespace phy {

struct impairment_config {
    float noise_var = 0.0f; //!< complex AWGN variance per sample
    double cfo = 0.0; //!< carrier offset in subcarrier spacings
    int fft_len = 64; //!< to convert cfo to cycles/sample
    std::vector<cf> taps = { 1.0f }; //!< multipath FIR (sample-spaced)
    double timing_offset = 0.0; //!< fractional delay in samples, [0, 1)
    double phase = 0.0; //!< start phase (rad)
};

/*!
 * The impairments of a channel specification (channel.h) for frames of `params`: noise
 * variance N0 per sample (= per occupied carrier), CFO converted with fft_len, taps at unit
 * energy, the fractional delay; `phase` the carrier's start phase. Throws semsteg::error
 * for what a sample stream cannot carry (Rayleigh block fading, an SNR range, a clock
 * ratio other than 1).
 */
impairment_config impairments_for(const channel_config& channel,
                                  const frame_params& params,
                                  double phase = 0.0);

/*!
 * A test channel for a stream of bursts: multipath FIR, fractional delay (a Hann-windowed
 * sinc interpolator, 33 taps), carrier offset with a start phase, then AWGN. State
 * (filter memory, oscillator phase) carries across calls, so a stream built piecewise
 * (bursts and gaps) sees one continuous channel. The fractional delay adds 16 samples of
 * group delay.
 */
class impairments
{
public:
    impairments(const impairment_config& cfg, uint64_t seed);
    std::vector<cf> apply(const std::vector<cf>& in);
    std::mt19937_64& rng() { return d_rng; }

private:
    impairment_config d_cfg;
    std::mt19937_64 d_rng;
    std::normal_distribution<float> d_normal;
    std::vector<cf> d_fir; // taps convolved with the interpolator
    std::vector<cf> d_history; // last fir.size()-1 inputs
    double d_phase;
};

} // namespace phy
} // namespace semsteg

#endif
