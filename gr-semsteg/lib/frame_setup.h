/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef INCLUDED_SEMSTEG_FRAME_SETUP_H
#define INCLUDED_SEMSTEG_FRAME_SETUP_H

// The OFDM blocks' frame layout, from their make() arguments to the PHY's frame_params.

#include <gnuradio/gr_complex.h>
#include <gnuradio/semsteg/ofdm_frame.h>
#include <semsteg/error.h>
#include <semsteg/phy/frame_params.h>
#include <semsteg/phy/frame_receiver.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace gr {
namespace semsteg {

// The public headers restate the PHY's defaults: they must agree.
static_assert(ofdm_frame_defaults::fft_len == ::semsteg::phy::frame_params::default_fft_len);
static_assert(ofdm_frame_defaults::cp_len == ::semsteg::phy::frame_params::default_cp_len);
static_assert(ofdm_frame_defaults::header_repetition
              == ::semsteg::phy::frame_params::default_header_repetition);
static_assert(ofdm_frame_defaults::sc_threshold
              == ::semsteg::phy::receiver_config {}.sc_threshold);
static_assert(ofdm_frame_defaults::max_cfo_subcarriers
              == ::semsteg::phy::receiver_config {}.max_cfo_subcarriers);

//! frame_params::from_layout, its refusal an std::invalid_argument naming the block.
inline ::semsteg::phy::frame_params frame_layout(const char* block,
                                                 int fft_len,
                                                 int cp_len,
                                                 const std::vector<int>& data_carriers,
                                                 const std::vector<int>& pilot_carriers,
                                                 const std::vector<gr_complex>& pilot_values,
                                                 bool header_qpsk,
                                                 int header_repetition)
{
    try {
        return ::semsteg::phy::frame_params::from_layout(
            fft_len,
            cp_len,
            data_carriers,
            pilot_carriers,
            pilot_values,
            header_qpsk ? ::semsteg::phy::header_modulation::qpsk
                        : ::semsteg::phy::header_modulation::bpsk,
            header_repetition);
    } catch (const ::semsteg::error& e) {
        throw std::invalid_argument(std::string(block) + ": " + e.what());
    }
}

} // namespace semsteg
} // namespace gr

#endif
