/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef INCLUDED_SEMSTEG_OFDM_FRAME_RX_H
#define INCLUDED_SEMSTEG_OFDM_FRAME_RX_H

#include <cstdint>
#include <gnuradio/gr_complex.h>
#include <gnuradio/semsteg/api.h>
#include <gnuradio/semsteg/ofdm_frame.h>
#include <gnuradio/sync_block.h>
#include <vector>

namespace gr {
namespace semsteg {

/*!
 * \brief OFDM frame receiver for analog (DeepJSCC) latents.
 * \ingroup semsteg
 *
 * \details
 * Input: complex baseband samples (stream tags are ignored). Output on message port "out":
 * one PDU per good frame, its vector the equalised complex64 latent symbols, its metadata
 * "seq", "image_id", "num_symbols", "payload_ofdm_symbols", "flags", "snr_est_db",
 * "cfo_est" (subcarrier spacings), "noise_var", "crc_ok" (true) and "rx_sample", and
 * "nonce" (uint64) when the header carries one (see semsteg/metadata_keys.h). Port "stats": a dict of the counters (detected, delivered,
 * header_crc_failed, dropped_invalid, seq_gaps, seq_restarts, false_alarms, warmup, and
 * first_seq / last_seq once a frame was delivered) whenever they change. Over one
 * transmitter run, last_seq - first_seq + 1 = delivered + seq_gaps (warm-up frames
 * included): every frame sent while the receiver ran is accounted for.
 * Signal processing: semsteg::phy::frame_receiver (Schmidl-Cox sync, fractional + integer
 * CFO, LS channel estimate with delay-domain smoothing, static equaliser with smoothed pilot
 * phase tracking, no decision-directed steps on the payload).
 */
class SEMSTEG_API ofdm_frame_rx : virtual public gr::sync_block
{
public:
    typedef std::shared_ptr<ofdm_frame_rx> sptr;

    /*!
     * \param drop_warmup drop (and count) warm-up frames instead of outputting them
     * \param sc_threshold Schmidl-Cox detection threshold (0..1)
     * \param mmse per-carrier MMSE payload equaliser (lower error on faded carriers,
     *        biased toward 0) instead of zero forcing (unbiased)
     * \param fft_len, cp_len, data_carriers, pilot_carriers, pilot_values, header_qpsk,
     *        header_repetition the frame layout (ofdm_frame.h; the transmitter's)
     * \param max_cfo_subcarriers largest |CFO| searched, in subcarrier spacings
     * \throws std::invalid_argument for settings the PHY refuses, saying why
     */
    static sptr make(bool drop_warmup = true,
                     float sc_threshold = ofdm_frame_defaults::sc_threshold,
                     bool mmse = false,
                     int fft_len = ofdm_frame_defaults::fft_len,
                     int cp_len = ofdm_frame_defaults::cp_len,
                     const std::vector<int>& data_carriers = {},
                     const std::vector<int>& pilot_carriers = {},
                     const std::vector<gr_complex>& pilot_values = {},
                     bool header_qpsk = false,
                     int header_repetition = ofdm_frame_defaults::header_repetition,
                     int max_cfo_subcarriers = ofdm_frame_defaults::max_cfo_subcarriers);

    virtual uint64_t detected() const = 0;
    virtual uint64_t delivered() const = 0;
    virtual uint64_t header_crc_failed() const = 0;
    virtual uint64_t dropped_invalid() const = 0;
    virtual uint64_t seq_gaps() const = 0;
    //! Transmitter restarts seen (a sequence number went back): a new run, not a loss.
    virtual uint64_t seq_restarts() const = 0;
    //! Sequence numbers of the first and the last delivered frame (-1: none yet).
    virtual int64_t first_seq() const = 0;
    virtual int64_t last_seq() const = 0;
    virtual uint64_t false_alarms() const = 0;
    //! Warm-up frames received (and dropped when drop_warmup).
    virtual uint64_t warmup() const = 0;
};

} // namespace semsteg
} // namespace gr

#endif /* INCLUDED_SEMSTEG_OFDM_FRAME_RX_H */
