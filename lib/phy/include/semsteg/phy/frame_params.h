/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef INCLUDED_SEMSTEG_PHY_FRAME_PARAMS_H
#define INCLUDED_SEMSTEG_PHY_FRAME_PARAMS_H

/*!
 * \file frame_params.h
 * OFDM frame parameters shared by transmitter and receiver.
 *
 * A frame (one burst) is, in OFDM symbols of fft_len + cp_len samples each:
 *
 *   [SC] [LTF] [LTF] [header × header_ofdm_symbols()] [payload × payload_ofdm_symbols(k)]
 *
 * - SC: Schmidl-Cox synchronisation symbol: a ±1 PN sequence on the even occupied carriers
 *   only (scaled by √2 to keep the symbol power), so its time-domain body is two identical
 *   halves. Used for detection, timing and the fractional CFO; its carrier-wise product
 *   with the first LTF gives the integer (even) CFO.
 * - LTF: long training symbol, a ±1 PN sequence on every occupied carrier, sent twice:
 *   fine timing, residual CFO, least-squares channel estimate and noise/SNR estimate.
 * - header: BPSK (default) or QPSK coded bits on the data carriers, with pilots
 *   (header_codec.h); 14 symbols by default.
 * - payload: the complex latent symbols, one per data carrier, in order; pilots on the
 *   pilot carriers of every symbol; the last OFDM symbol is padded with zeros.
 *
 * Carriers are given as signed indices -fft_len/2 .. fft_len/2-1 (0 = DC). Defaults
 * (IEEE 802.11a-like, fft_len 64, cp_len 16): data on ±1..±26 except ±7, ±21 (48 carriers),
 * pilots on -21, -7, 7, 21 with values 1, 1, 1, -1, times a per-symbol ±1 polarity so the
 * pilots draw no spectral lines. DC and the 11 edge carriers are empty.
 *
 * Power: every occupied carrier carries unit mean power (payload latents are normalised to
 * unit mean symbol power, see latent_symbols.h) and the IFFT is unitary, so the time-domain
 * mean power of a burst is occupied/fft_len (52/64 by default).
 */

#include <complex>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace semsteg {
namespace phy {

using cf = std::complex<float>;

enum class header_modulation { bpsk = 1, qpsk = 2 };

struct frame_params {
    int fft_len = 64;
    int cp_len = 16;
    std::vector<int> data_carriers = default_data_carriers();
    std::vector<int> pilot_carriers = { -21, -7, 7, 21 };
    std::vector<cf> pilot_values = { 1.0f, 1.0f, 1.0f, -1.0f };
    header_modulation header_mod = header_modulation::bpsk;
    //! The convolutionally coded header block is sent this many times (spread over time and
    //! frequency) and soft-combined: with 2, the header survives 5 dB SNR on a multipath
    //! channel (see header_codec.h).
    int header_repetition = 2;
    //! Largest number of latent symbols a frame may carry. Headers claiming more are
    //! rejected by the receiver (counted as dropped_invalid) and refused by the transmitter.
    uint32_t max_latent_symbols = 1u << 16;

    //! Throws semsteg::error when the parameters are inconsistent.
    void validate() const;

    int symbol_len() const { return fft_len + cp_len; }
    int num_data() const { return static_cast<int>(data_carriers.size()); }
    int num_pilots() const { return static_cast<int>(pilot_carriers.size()); }
    //! Data and pilot carriers, sorted.
    std::vector<int> occupied_carriers() const;
    //! FFT bin (0..fft_len-1) of a signed carrier index.
    int bin(int carrier) const { return (carrier % fft_len + fft_len) % fft_len; }

    //! Number of preamble OFDM symbols (SC + 2 × LTF).
    static constexpr int preamble_symbols = 3;
    int header_ofdm_symbols() const;
    size_t payload_ofdm_symbols(size_t num_latent_symbols) const;
    //! Burst length in samples for a payload of `num_latent_symbols`.
    size_t burst_samples(size_t num_latent_symbols) const;

    //! Frequency-domain SC symbol, fft_len bins (FFT order).
    std::vector<cf> sc_symbol() const;
    //! Frequency-domain LTF symbol, fft_len bins (FFT order).
    std::vector<cf> ltf_symbol() const;
    //! ±1 pilot polarity of OFDM symbol `index` counted from the first header symbol.
    float pilot_polarity(size_t index) const;

    static std::vector<int> default_data_carriers();
};

//! Header flag of warm-up frames (sent before the first real frame for receiver AGC/sync).
constexpr uint8_t flag_warmup = 0x80;

//! Header fields, as carried on the air.
struct frame_header {
    static constexpr uint8_t current_version = 1;
    uint8_t version = current_version;
    uint8_t flags = 0;
    uint16_t payload_ofdm_symbols = 0;
    uint32_t seq = 0;
    uint32_t image_id = 0;
    uint32_t num_symbols = 0;

    bool operator==(const frame_header& o) const
    {
        return version == o.version && flags == o.flags
            && payload_ofdm_symbols == o.payload_ofdm_symbols && seq == o.seq
            && image_id == o.image_id && num_symbols == o.num_symbols;
    }
};

//! True if a (CRC-correct) header describes a frame these parameters can carry:
//! known version, 1 ≤ num_symbols ≤ max_latent_symbols, and a matching OFDM symbol count.
bool header_is_valid(const frame_params& params, const frame_header& hdr);

} // namespace phy
} // namespace semsteg

#endif
