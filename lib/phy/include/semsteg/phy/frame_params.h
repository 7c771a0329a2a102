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
 *   (header_codec.h); 20 symbols by default (header_ofdm_symbols()).
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
    static constexpr int default_fft_len = 64;
    static constexpr int default_cp_len = 16;
    static constexpr int default_header_repetition = 2;

    int fft_len = default_fft_len;
    int cp_len = default_cp_len;
    std::vector<int> data_carriers = default_data_carriers();
    std::vector<int> pilot_carriers = default_pilot_carriers();
    std::vector<cf> pilot_values = default_pilot_values();
    header_modulation header_mod = header_modulation::bpsk;
    //! The convolutionally coded header block is sent this many times (spread over time and
    //! frequency) and soft-combined: with 2, the header survives 5 dB SNR on a multipath
    //! channel (see header_codec.h).
    int header_repetition = default_header_repetition;
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
    static std::vector<int> default_pilot_carriers();
    static std::vector<cf> default_pilot_values();

    /*!
     * The parameters from a flat layout, as the blocks, their bindings and GRC take it, and
     * validated. Empty lists mean the default layout, which exists for the default fft_len
     * only: empty data or pilot carriers at another fft_len are an error. Empty pilot values
     * are the defaults with the default pilot carriers, else all 1.
     */
    static frame_params from_layout(int fft_len,
                                    int cp_len,
                                    const std::vector<int>& data_carriers,
                                    const std::vector<int>& pilot_carriers,
                                    const std::vector<cf>& pilot_values,
                                    header_modulation header_mod,
                                    int header_repetition);
};

//! Header flag of warm-up frames (sent before the first real frame for receiver AGC/sync).
constexpr uint8_t flag_warmup = 0x80;

//! PHY flag: the frame carries a keyed container and frame_header::nonce is its nonce.
constexpr uint8_t phy_flag_nonce = 0x01;
//! All PHY flags this version defines; the other bits are reserved.
constexpr uint8_t phy_flags_known = phy_flag_nonce;

//! Header fields, as carried on the air (byte layout in header_codec.h).
struct frame_header {
    /*!
     * Version 2 added the PHY flags byte and the 64-bit nonce (version 1 had neither: 20
     * header bytes, 14 OFDM symbols). Receivers accept only current_version: a version-1
     * transmitter's header, coded for the shorter layout, decodes to garbage that fails the
     * CRC (counted as header_crc_failed), and a CRC-correct header carrying version 1 or
     * any other unknown version is rejected by header_is_valid() (counted as
     * dropped_invalid), as the version-1 code did for unknown versions.
     */
    static constexpr uint8_t current_version = 2;
    uint8_t version = current_version;
    //! Application flags: opaque to the PHY (e.g. flag_warmup), never used for PHY fields.
    uint8_t flags = 0;
    uint16_t payload_ofdm_symbols = 0;
    uint32_t seq = 0;
    uint32_t image_id = 0;
    uint32_t num_symbols = 0;
    //! PHY flags (phy_flag_*): the PHY's own bits, kept apart from the application's
    //! `flags`. Bits not defined below are reserved, sent as 0, and a header with any of
    //! them set is rejected by header_is_valid().
    uint8_t phy_flags = 0;
    //! Per-image nonce of keyed hiding (public); meaningful only with phy_flag_nonce set,
    //! and then any value (0 included); must be 0 when the flag is clear.
    uint64_t nonce = 0;

    bool has_nonce() const { return (phy_flags & phy_flag_nonce) != 0; }
    //! Sets the nonce and its flag.
    void set_nonce(uint64_t n)
    {
        phy_flags |= phy_flag_nonce;
        nonce = n;
    }

    bool operator==(const frame_header& o) const
    {
        return version == o.version && flags == o.flags
            && payload_ofdm_symbols == o.payload_ofdm_symbols && seq == o.seq
            && image_id == o.image_id && num_symbols == o.num_symbols
            && phy_flags == o.phy_flags && nonce == o.nonce;
    }
};

//! True if a (CRC-correct) header describes a frame these parameters can carry:
//! known version (frame_header::current_version only), 1 ≤ num_symbols ≤
//! max_latent_symbols, a matching OFDM symbol count, no reserved PHY flag, and nonce 0
//! unless phy_flag_nonce is set.
bool header_is_valid(const frame_params& params, const frame_header& hdr);

} // namespace phy
} // namespace semsteg

#endif
