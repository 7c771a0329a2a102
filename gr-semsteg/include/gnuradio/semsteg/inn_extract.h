/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef INCLUDED_SEMSTEG_INN_EXTRACT_H
#define INCLUDED_SEMSTEG_INN_EXTRACT_H

#include <cstdint>
#include <gnuradio/block.h>
#include <gnuradio/semsteg/api.h>
#include <string>

namespace gr {
namespace semsteg {

/*!
 * \brief Bob's INN extraction: received container → estimate of the private latent.
 * \ingroup semsteg
 *
 * \details
 * Port "in": received container PDUs (complex64 symbols, e.g. from ofdm_frame_rx). Bob sets
 * the lost part to l̂ (`lost_mode`) and runs the INN backward. Port "out": the private
 * latent estimate, with the input's metadata and "role" = "bob" (for an INN of a
 * lower-rate payload, fewer channels: decode it with that INN's private codec). The
 * latent must be square
 * for the INN's channel count; other lengths, non-finite values and malformed PDUs are
 * logged and dropped.
 *
 * Keyed hiding: a keyed INN needs the key Alice shares with Bob (key file or passphrase,
 * never logged); each container's "nonce" comes from its metadata (the OFDM receiver
 * delivers it from the frame header). A container without a nonce is logged and dropped.
 */
class SEMSTEG_API inn_extract : virtual public gr::block
{
public:
    typedef std::shared_ptr<inn_extract> sptr;

    /*!
     * \param model_path INN model file
     * \param lost_mode l̂: "auto" (the INN's learned estimate if it has one, else zeros),
     *        "zeros", "constant:V", "gaussian:STD[:SEED]" or "estimated"
     * \param threads the inference engine's LibTorch threads, shared by every neural
     *        block (inference_engine.h; 0 leaves them unchanged)
     * \param key_file the shared key's file (semsteg-keygen), or ""
     * \param passphrase the shared passphrase (Argon2id), or "" (not both)
     */
    static sptr make(const std::string& model_path,
                     const std::string& lost_mode = "auto",
                     int threads = 0,
                     const std::string& key_file = "",
                     const std::string& passphrase = "");

    virtual uint64_t extracted() const = 0;
    virtual uint64_t dropped() const = 0;
};

} // namespace semsteg
} // namespace gr

#endif /* INCLUDED_SEMSTEG_INN_EXTRACT_H */
