/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef INCLUDED_SEMSTEG_OFDM_FRAME_TX_H
#define INCLUDED_SEMSTEG_OFDM_FRAME_TX_H

#include <cstdint>
#include <gnuradio/block.h>
#include <gnuradio/gr_complex.h>
#include <gnuradio/semsteg/api.h>
#include <gnuradio/semsteg/ofdm_frame.h>
#include <string>
#include <vector>

namespace gr {
namespace semsteg {

/*!
 * \brief OFDM frame transmitter for analog (DeepJSCC) latents.
 * \ingroup semsteg
 *
 * \details
 * Message port "in": a PDU whose vector is complex64 latent symbols (one frame each) and
 * whose metadata may carry "seq" (uint32; counted by the block when absent), "image_id"
 * (uint32, default 0), "flags" (uint8, default 0) and "nonce" (uint64, the per-image nonce
 * of keyed hiding, carried in the header; none when absent); see semsteg/metadata_keys.h.
 * Output:
 * the baseband burst (frame layout in semsteg/phy/frame_params.h: 64-point FFT, CP 16,
 * 48 data + 4 pilot carriers, unit power per occupied carrier), followed by pad_samples
 * zeros. Tags on the burst: "tx_sob" on its first sample and "tx_eob" on its last (so a UHD
 * sink sends it as a burst), and the length tag `len_tag_key` (burst + padding) on its first
 * sample unless the key is empty. Before the first frame, `warmup_frames` short frames with
 * the warm-up flag (0x80) give the receiver's AGC and synchroniser something to settle on;
 * ofdm_frame_rx drops them. Produces nothing while no PDU is waiting, so, like other
 * message-fed sources, it never ends a flowgraph by itself: stop the flowgraph. PDUs that
 * are not complex vectors, empty, or longer than the frame limit, or whose "nonce" is
 * negative or not an integer, are logged and dropped (counted by pdus_dropped()).
 */
class SEMSTEG_API ofdm_frame_tx : virtual public gr::block
{
public:
    typedef std::shared_ptr<ofdm_frame_tx> sptr;

    /*!
     * \param warmup_frames number of warm-up frames sent before the first frame
     * \param pad_samples zeros appended after every burst (inter-burst gap)
     * \param len_tag_key length tag key ("" for none)
     * \param fft_len, cp_len, data_carriers, pilot_carriers, pilot_values, header_qpsk,
     *        header_repetition the frame layout (ofdm_frame.h; the receivers' must match)
     * \throws std::invalid_argument for a layout the PHY refuses, saying why
     */
    static sptr make(int warmup_frames = 0,
                     int pad_samples = 0,
                     const std::string& len_tag_key = "packet_len",
                     int fft_len = ofdm_frame_defaults::fft_len,
                     int cp_len = ofdm_frame_defaults::cp_len,
                     const std::vector<int>& data_carriers = {},
                     const std::vector<int>& pilot_carriers = {},
                     const std::vector<gr_complex>& pilot_values = {},
                     bool header_qpsk = false,
                     int header_repetition = ofdm_frame_defaults::header_repetition);

    //! Samples of the burst that carries `num_symbols` latent symbols with this block's
    //! layout (the padding not included).
    virtual size_t burst_samples(size_t num_symbols) const = 0;

    //! Frames sent so far (warm-up frames included).
    virtual uint64_t frames_sent() const = 0;
    //! PDUs dropped as invalid.
    virtual uint64_t pdus_dropped() const = 0;
};

} // namespace semsteg
} // namespace gr

#endif /* INCLUDED_SEMSTEG_OFDM_FRAME_TX_H */
