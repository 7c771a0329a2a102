/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef INCLUDED_SEMSTEG_JSCC_ENCODER_H
#define INCLUDED_SEMSTEG_JSCC_ENCODER_H

#include <cstdint>
#include <gnuradio/block.h>
#include <gnuradio/semsteg/api.h>
#include <string>

namespace gr {
namespace semsteg {

/*!
 * \brief DeepJSCC encoder: image PDU → latent PDU (unit-power complex channel symbols).
 * \ingroup semsteg
 *
 * \details
 * Port "in": image PDUs (u8 RGB with "width"/"height", as image_source makes; other sizes
 * are centre-cropped and resized to the model's). Port "out": a PDU whose vector is the
 * complex64 latent symbols (latent ↔ symbol pairing of semsteg/latent_symbols.h), with the
 * input's metadata plus "shape" [C, H, W]. Malformed PDUs are logged and dropped. The
 * model file must be a "jscc" model (construction fails otherwise).
 */
class SEMSTEG_API jscc_encoder : virtual public gr::block
{
public:
    typedef std::shared_ptr<jscc_encoder> sptr;

    /*!
     * \param model_path DeepJSCC codec model file
     * \param threads the inference engine's LibTorch threads, shared by every neural
     *        block (inference_engine.h; 0 leaves them unchanged)
     * \param snr_db the channel SNR Alice targets (dB), for an SNR-adaptive codec (a plain
     *        codec ignores it)
     */
    static sptr make(const std::string& model_path, int threads = 0, double snr_db = 10.0);

    virtual uint64_t encoded() const = 0;
    virtual uint64_t dropped() const = 0;
    //! Complex symbols per latent.
    virtual int num_symbols() const = 0;
};

} // namespace semsteg
} // namespace gr

#endif /* INCLUDED_SEMSTEG_JSCC_ENCODER_H */
