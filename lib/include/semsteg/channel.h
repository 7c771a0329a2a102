/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef INCLUDED_SEMSTEG_CHANNEL_H
#define INCLUDED_SEMSTEG_CHANNEL_H

/*!
 * \file channel.h
 * The one channel specification of gr-semsteg, without torch. Three simulations read it:
 * - the latent-domain channel of training and evaluation (nn.h: apply_channel), which
 *   simulates the SNR and Rayleigh block fading only;
 * - the PHY's sample-domain impairments (phy/impairments.h: impairments_for);
 * - GNU Radio's channels.channel_model in the flowgraphs (python: flowgraphs.channel,
 *   through channel_config.channel_model_args).
 *
 * Conventions, the same everywhere:
 * - SNR: Es/N0 per complex symbol in dB with Es = 1: complex noise of variance
 *   N0 = 10^(−SNR/10) (N0/2 per real). In the latent domain a symbol is a latent symbol
 *   (unit power, latent_symbols.h); in the PHY it is an occupied subcarrier (unit power per
 *   carrier through a unitary FFT, so the noise variance per time sample is N0 as well).
 * - Rayleigh: block fading, one h ~ CN(0,1) per image, equalised with the known h (latent
 *   domain only).
 * - CFO in subcarrier spacings (the flowgraphs convert with the frame's fft_len).
 * - taps: a sample-spaced multipath FIR, scaled to unit energy before use.
 * - timing_offset: a fractional delay in samples, [0, 1) (the PHY's test channel).
 * - clock_ratio: the receiver's sample clock relative to the transmitter's (GNU Radio's
 *   channel_model epsilon; 1 = none).
 *
 * Text form: "none", "awgn:SNR", "awgn:LO-HI" (a uniform SNR per image), "rayleigh:SNR",
 * then optionally ",cfo=X", ",taps=A;B;..." (complex numbers as 1, -0.2, 0.3j, 0.5+0.1j),
 * ",timing=X", ",clock=X"; e.g. "awgn:10,cfo=0.2,taps=1;0;0.3j".
 */

#include <semsteg/error.h>

#include <cmath>
#include <complex>
#include <optional>
#include <string>
#include <vector>

namespace semsteg {

struct channel_config {
    enum class kind { none, awgn, rayleigh } type = kind::awgn;
    double snr_db = 10.0;
    //! Set and above snr_db: a uniform SNR per image in [snr_db, snr_max_db] (training).
    std::optional<double> snr_max_db;
    double cfo_subcarriers = 0.0;
    std::vector<std::complex<float>> taps = { 1.0f };
    double timing_offset = 0.0;
    double clock_ratio = 1.0;

    //! Parses the text form; throws semsteg::error saying what is expected.
    static channel_config parse(const std::string& text);
    //! The text form (parse(to_string()) gives the same channel).
    std::string to_string() const;

    //! A uniform SNR range rather than one SNR.
    bool snr_range() const { return snr_max_db && *snr_max_db > snr_db; }
    //! The range's top (snr_db without a range).
    double snr_high() const { return snr_range() ? *snr_max_db : snr_db; }

    //! N0 of a complex symbol at `snr_db` with unit signal power: 10^(−snr_db/10).
    static double noise_variance(double snr_db) { return std::pow(10.0, -snr_db / 10.0); }
    //! The taps scaled to unit energy; throws semsteg::error when they have none.
    //! (Inline: the PHY, which does not link the core library, uses it.)
    std::vector<std::complex<float>> unit_energy_taps() const
    {
        double e = 0.0;
        for (auto t : taps)
            e += std::norm(t);
        if (!(e > 0.0) || !std::isfinite(e))
            throw error("channel: the taps have no energy");
        std::vector<std::complex<float>> out;
        for (auto t : taps)
            out.push_back(t / static_cast<float>(std::sqrt(e)));
        return out;
    }
    //! True when CFO, multipath, timing or clock impairments are set: a waveform channel,
    //! which the latent-domain simulation refuses.
    bool has_waveform_impairments() const;
};

} // namespace semsteg

#endif
