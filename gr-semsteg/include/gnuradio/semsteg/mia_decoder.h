/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef INCLUDED_SEMSTEG_MIA_DECODER_H
#define INCLUDED_SEMSTEG_MIA_DECODER_H

#include <cstdint>
#include <gnuradio/block.h>
#include <gnuradio/semsteg/api.h>
#include <string>

namespace gr {
namespace semsteg {

/*!
 * \brief Eve's model-inversion attack: received symbols → image PDU.
 * \ingroup semsteg
 *
 * \details
 * Eve's inverse network (an "eve-mia" model file, trained by semsteg-train eve-mia on
 * images of her own) applied to the received latent. Ports and errors as jscc_decoder.
 */
class SEMSTEG_API mia_decoder : virtual public gr::block
{
public:
    typedef std::shared_ptr<mia_decoder> sptr;

    /*!
     * \param model_path Eve's inverse-network model file
     * \param role the "role" metadata of the output
     * \param threads the inference engine's LibTorch threads, shared by every neural
     *        block (inference_engine.h; 0 leaves them unchanged)
     */
    static sptr
    make(const std::string& model_path, const std::string& role = "eve_mia", int threads = 0);

    virtual uint64_t decoded() const = 0;
    virtual uint64_t dropped() const = 0;
};

} // namespace semsteg
} // namespace gr

#endif /* INCLUDED_SEMSTEG_MIA_DECODER_H */
