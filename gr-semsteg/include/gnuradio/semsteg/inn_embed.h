/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef INCLUDED_SEMSTEG_INN_EMBED_H
#define INCLUDED_SEMSTEG_INN_EMBED_H

#include <cstdint>
#include <gnuradio/block.h>
#include <gnuradio/semsteg/api.h>
#include <string>

namespace gr {
namespace semsteg {

/*!
 * \brief Alice's INN embedding: (host latent or image, private latent) → container latent.
 * \ingroup semsteg
 *
 * \details
 * Ports "host" and "private": latent PDUs (complex64, as jscc_encoder makes). The block
 * pairs them in arrival order (the n-th private with the n-th host) and sends on "out" the
 * power-normalised container z_c; the lost part l is discarded. The output carries the
 * private PDU's metadata with "role" = "container" and "host_image_id". At most `max_queue`
 * unpaired latents wait per port (the oldest is dropped, and counted, beyond). The private
 * latent is as long as the host's, or, for an INN that hides a lower-rate payload, as its
 * private codec makes it (fewer channels on the host's grid: code the private image with
 * that codec). Latents of the wrong length or type are logged and dropped.
 *
 * Keyed hiding: a keyed INN needs the key Alice shares with Bob (a key file from
 * semsteg-keygen, or a passphrase); every container then gets a fresh nonce (never reused
 * in a run), set as "nonce" in its metadata and carried in the OFDM frame header, so Bob
 * needs nothing but the key. The key is never logged nor put into a PDU; a keyless INN
 * refuses a key, and a keyed INN without one fails at construction.
 *
 * An INN trained to send its containers through the public codec's round trip (its file
 * records codec_round_trip) sends E(D(z_c)), the codec's latent of an image, and needs
 * that codec (the INN's own; another is refused) and the SNR the host was encoded at (the
 * jscc_encoder's); other INNs ignore both (the codec is then not even loaded). Bob's side
 * needs nothing more.
 * An INN that also adds the host's detail back before that round trip (its file records
 * round_trip_host_detail: it sends E(D(z_c) + x_h − D(z_h))) needs the host image itself:
 * its "host" port takes image PDUs (as image_source makes, not jscc_encoder's latents),
 * which the block encodes with that codec at snr_db (needs_host_image() says which).
 */
class SEMSTEG_API inn_embed : virtual public gr::block
{
public:
    typedef std::shared_ptr<inn_embed> sptr;

    /*!
     * \param model_path INN model file
     * \param threads the inference engine's LibTorch threads, shared by every neural
     *        block (inference_engine.h; 0 leaves them unchanged)
     * \param max_queue unpaired latents kept per port
     * \param key_file the shared key's file (semsteg-keygen), or ""
     * \param passphrase the shared passphrase (Argon2id), or "" (not both)
     * \param codec_model the public codec, for an INN that sends its containers through
     *        its round trip ("": none; such an INN then fails at construction)
     * \param snr_db the SNR the host latent was encoded at, for that round trip
     */
    static sptr make(const std::string& model_path,
                     int threads = 0,
                     int max_queue = 64,
                     const std::string& key_file = "",
                     const std::string& passphrase = "",
                     const std::string& codec_model = "",
                     double snr_db = 10.0);

    //! True when "host" takes host images (an INN with round_trip_host_detail), not latents.
    virtual bool needs_host_image() const = 0;
    virtual uint64_t embedded() const = 0;
    virtual uint64_t dropped() const = 0;
};

} // namespace semsteg
} // namespace gr

#endif /* INCLUDED_SEMSTEG_INN_EMBED_H */
