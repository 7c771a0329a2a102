/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef INCLUDED_SEMSTEG_PHY_FRAME_TRANSMITTER_H
#define INCLUDED_SEMSTEG_PHY_FRAME_TRANSMITTER_H

#include <memory>
#include <optional>
#include <semsteg/phy/fft.h>
#include <semsteg/phy/frame_params.h>
#include <semsteg/phy/header_codec.h>

namespace semsteg {
namespace phy {

/*!
 * Latent symbols + metadata → one baseband burst (frame_params.h describes the layout).
 * Output power: unit mean power per occupied carrier, unitary IFFT.
 */
class frame_transmitter
{
public:
    explicit frame_transmitter(const frame_params& params = frame_params());

    /*!
     * Builds the burst for `num_symbols` latent symbols. Throws semsteg::error if
     * num_symbols is 0 or above params.max_latent_symbols. With `nonce`, the header
     * carries it (and the phy_flag_nonce flag); without, no nonce (0, flag clear).
     */
    std::vector<cf> modulate(const cf* symbols,
                             size_t num_symbols,
                             uint32_t seq,
                             uint32_t image_id,
                             uint8_t flags = 0,
                             std::optional<uint64_t> nonce = std::nullopt);

    /*!
     * Builds a burst with the header exactly as given and `payload.size()` symbols of
     * payload, without checking that the two agree: for testing receivers against
     * inconsistent or absurd headers.
     */
    std::vector<cf> modulate_with_header(const frame_header& hdr,
                                         const std::vector<cf>& payload);

    const frame_params& params() const { return d_params; }

private:
    void emit_symbol(const cf* bins, std::vector<cf>& out); // IFFT + CP

    frame_params d_params;
    header_codec d_header;
    fft_engine d_ifft;
    std::vector<int> d_data_bins, d_pilot_bins;
    std::vector<cf> d_bins;
};

} // namespace phy
} // namespace semsteg

#endif
