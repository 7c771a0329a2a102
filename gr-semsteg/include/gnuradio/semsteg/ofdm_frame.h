/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef INCLUDED_SEMSTEG_OFDM_FRAME_H
#define INCLUDED_SEMSTEG_OFDM_FRAME_H

namespace gr {
namespace semsteg {

/*!
 * \brief The defaults of ofdm_frame_tx and ofdm_frame_rx: the PHY's own (frame_params.h,
 * frame_receiver.h of semsteg_phy), restated for the public headers and checked against
 * them at compile time.
 *
 * The frame layout parameters of both blocks (fft_len, cp_len, data_carriers,
 * pilot_carriers, pilot_values, header_qpsk, header_repetition) must be the same at the
 * transmitter and every receiver. Carriers are signed indices -fft_len/2 .. fft_len/2-1
 * (0 = DC); empty lists mean the default IEEE 802.11a-like layout of fft_len 64 (48 data
 * carriers, pilots on -21, -7, 7, 21 with values 1, 1, 1, -1).
 */
struct ofdm_frame_defaults {
    static constexpr int fft_len = 64;
    static constexpr int cp_len = 16;
    static constexpr int header_repetition = 2;
    //! Schmidl-Cox metric threshold (noise gives about 1/(fft_len/2), a frame about 1).
    static constexpr float sc_threshold = 0.25f;
    //! Largest |CFO| searched, in subcarrier spacings.
    static constexpr int max_cfo_subcarriers = 3;
};

} // namespace semsteg
} // namespace gr

#endif /* INCLUDED_SEMSTEG_OFDM_FRAME_H */
