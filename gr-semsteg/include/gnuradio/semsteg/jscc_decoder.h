/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef INCLUDED_SEMSTEG_JSCC_DECODER_H
#define INCLUDED_SEMSTEG_JSCC_DECODER_H

#include <cstdint>
#include <gnuradio/block.h>
#include <gnuradio/semsteg/api.h>
#include <string>

namespace gr {
namespace semsteg {

/*!
 * \brief DeepJSCC decoder: latent PDU → image PDU (Bob's decoder, and Eve's naive decoding).
 * \ingroup semsteg
 *
 * \details
 * Port "in": latent PDUs (complex64 symbols). Port "out": image PDUs (u8 RGB with
 * "width"/"height") carrying the input's metadata with "role" set to `role`. Wrong lengths,
 * non-finite values and malformed PDUs are logged and dropped.
 *
 * An SNR-adaptive codec is told the channel SNR of each latent: the receiver's per-frame
 * estimate "snr_est_db" from the PDU metadata (ofdm_frame_rx sets it) when
 * `snr_from_metadata` is set and the PDU has one, else `snr_db`. A plain codec ignores both.
 */
class SEMSTEG_API jscc_decoder : virtual public gr::block
{
public:
    typedef std::shared_ptr<jscc_decoder> sptr;

    /*!
     * \param model_path DeepJSCC codec model file
     * \param role the "role" metadata of the output (e.g. "bob", "eve_naive")
     * \param threads the inference engine's LibTorch threads, shared by every neural
     *        block (inference_engine.h; 0 leaves them unchanged)
     * \param snr_db the SNR (dB) an SNR-adaptive codec is told when the PDU has no estimate
     *        (or when `snr_from_metadata` is false)
     * \param snr_from_metadata use the PDU's "snr_est_db" when it has one
     */
    static sptr make(const std::string& model_path,
                     const std::string& role = "bob",
                     int threads = 0,
                     double snr_db = 10.0,
                     bool snr_from_metadata = true);

    virtual uint64_t decoded() const = 0;
    virtual uint64_t dropped() const = 0;
};

} // namespace semsteg
} // namespace gr

#endif /* INCLUDED_SEMSTEG_JSCC_DECODER_H */
