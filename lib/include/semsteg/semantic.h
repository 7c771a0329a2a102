/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef INCLUDED_SEMSTEG_SEMANTIC_H
#define INCLUDED_SEMSTEG_SEMANTIC_H

/*!
 * \file semantic.h
 * Torch-free facades over the networks, for the GNU Radio blocks and other code that must
 * not include LibTorch (one torch translation unit, semantic.cc, implements them all).
 *
 * Latents cross this interface as complex channel symbols (the pairing of
 * latent_symbols.h); images as semsteg::image. Every network runs on the process's
 * inference engine (inference.h), which batches requests and owns LibTorch's threads:
 * the submit_* methods queue a request and return (its result reaches the callback on the
 * engine's worker, in submission order); the plain methods submit and wait. Inputs are
 * checked in the caller's thread: bad input throws semsteg::error there, before anything
 * is queued. An object may be used from several threads.
 */

#include <semsteg/image.h>
#include <semsteg/inference.h>

#include <complex>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace semsteg {

using symbol_vector = std::vector<std::complex<float>>;
//! Where an asynchronous result goes (on the engine's worker: keep it quick).
using symbols_done = std::function<void(outcome<symbol_vector>&&)>;
using image_done = std::function<void(outcome<image>&&)>;

//! Shape of one latent: C×H×W reals = C·H·W/2 complex symbols.
struct latent_shape {
    int channels = 0;
    int height = 0;
    int width = 0;
    size_t num_reals() const { return static_cast<size_t>(channels) * height * width; }
    size_t num_symbols() const { return num_reals() / 2; }
    /*!
     * The square latent of `channels` channels that has `num_symbols` symbols (what a
     * receiver assumes: the PHY does not carry the shape). Throws semsteg::error naming the
     * count when there is none.
     */
    static latent_shape square(int channels, size_t num_symbols);
};

/*!
 * The torch-free facades: each network is named as it is everywhere else (codec.h's
 * jscc_codec, inn.h's inn, Eve's model-inversion network "mia", model-file kind eve-mia);
 * the namespace says it is the facade.
 */
namespace facade {

//! The public DeepJSCC codec (Alice's encoder E, Bob's and Eve's decoder D).
class jscc_codec
{
public:
    //! Loads a "jscc" model file; throws semsteg::error on a missing/wrong file.
    explicit jscc_codec(const std::string& model_path);
    ~jscc_codec();
    jscc_codec(const jscc_codec&) = delete;
    jscc_codec& operator=(const jscc_codec&) = delete;

    int image_side() const; //!< the side images are prepared to (e.g. 64)
    int latent_channels() const;
    latent_shape shape() const; //!< the latent of an image_side² image
    //! True for an SNR-adaptive codec: encode and decode then need the channel SNR.
    bool snr_adaptive() const;
    /*!
     * Image (any size: centre-square crop and resize to image_side) → unit-power symbols.
     * `snr_db`: the channel SNR Alice targets (an SNR-adaptive codec needs it; a plain one
     * ignores it).
     */
    symbol_vector encode(const image& img, std::optional<double> snr_db = std::nullopt);
    //! Received symbols (a square latent, see latent_shape::square) → image in [0,1];
    //! `snr_db`: the receiver's SNR (estimate), as for encode.
    image decode(const std::complex<float>* symbols,
                 size_t num_symbols,
                 std::optional<double> snr_db = std::nullopt);
    //! encode / decode queued on the engine; false: dropped (full queue, drop policy).
    bool submit_encode(const image& img, std::optional<double> snr_db, symbols_done done);
    bool submit_decode(symbol_vector symbols, std::optional<double> snr_db, image_done done);

private:
    struct impl;
    std::unique_ptr<impl> d_impl;
};

} // namespace facade

class stego_key;

namespace facade {

/*!
 * What Alice needs for an INN whose containers go through the public codec's round trip
 * (inn.h, codec_round_trip): the public codec's file (the one the INN was trained with) and
 * the SNR she encodes at (her encoder's target, Bob's SNR).
 */
struct round_trip_codec {
    std::string path;
    double snr_db = 10.0;
};

//! The steganography INN: Alice's embedding and Bob's extraction.
class inn
{
public:
    /*!
     * Loads an "inn" model file. `lost_mode` is how Bob fills l̂: "auto" (the INN's
     * learned estimate when it has one, else zeros), "zeros", "constant:V",
     * "gaussian:STD[:SEED]" or "estimated". `key`: the key Alice and Bob share, which a
     * keyed INN needs and a keyless one must not be given (stego_key.h's load_key reads it
     * from a key file or a passphrase). Throws semsteg::error on a bad file, mode or key,
     * and for an INN that hides a downscaled private image (inn.h, private_downscale > 1:
     * simulation only). `round_trip`: the codec that an INN with codec_round_trip sends its
     * containers through (loaded only for such an INN, and refused unless it is the INN's
     * codec); without it such an INN extracts (Bob) but does not embed.
     */
    explicit inn(const std::string& model_path,
                 const std::string& lost_mode = "auto",
                 const stego_key* key = nullptr,
                 const std::optional<round_trip_codec>& round_trip = std::nullopt);
    ~inn();
    inn(const inn&) = delete;
    inn& operator=(const inn&) = delete;

    int latent_channels() const; //!< the host's and the container's
    //! The private latent's channels on the host's grid: latent_channels() for a full
    //! payload, fewer for a lower-rate private codec's (inn.h, payload_channels).
    int payload_channels() const;
    //! True when the INN is keyed: every embed/extract then uses the key and a nonce.
    bool keyed() const;
    //! True when the INN sends its containers through the public codec's round trip
    //! (embedding then needs the round_trip_codec).
    bool codec_round_trip() const;
    //! True when the INN adds the host image's detail back before the round trip
    //! (inn.h, round_trip_host_detail): it embeds from host images (embed_image) only.
    bool needs_host_image() const;
    //! Whether the INN file at `model_path` is keyed, read from its header alone (so a
    //! program can pick the key it needs before loading). Throws like the constructor.
    static bool file_is_keyed(const std::string& model_path);
    /*!
     * (host, private) latents → the unit-power container (l discarded). The private
     * latent lies on the host's grid with payload_channels() channels (as long as the
     * host's for a full payload). `nonce`: this image's nonce (keyed INN; never reuse one
     * under a key: nonce_source).
     */
    symbol_vector embed(const std::complex<float>* host,
                        size_t host_symbols,
                        const std::complex<float>* secret,
                        size_t secret_symbols,
                        uint64_t nonce = 0);
    /*!
     * (host image, private latent) → the container, for an INN that sends through the
     * codec's round trip (given its round_trip_codec): the host latent is that codec's
     * E(x_h) at its SNR, and a host-detail INN adds x_h − D(z_h) back before re-encoding.
     * The image is prepared to the codec's side as jscc_codec::encode does; the private
     * latent lies on that grid (payload_channels() channels).
     */
    symbol_vector embed_image(const image& host,
                              const std::complex<float>* secret,
                              size_t secret_symbols,
                              uint64_t nonce = 0);
    //! Received container → Bob's estimate of the private latent, payload_channels()
    //! channels (`nonce`: the one the container was sent with, from the frame header;
    //! keyed INN).
    symbol_vector
    extract(const std::complex<float>* container, size_t num_symbols, uint64_t nonce = 0);
    //! embed / extract queued on the engine; false: dropped (full queue, drop policy).
    bool
    submit_embed(symbol_vector host, symbol_vector secret, uint64_t nonce, symbols_done done);
    bool submit_extract(symbol_vector container, uint64_t nonce, symbols_done done);
    //! embed_image queued on the engine; false: dropped (full queue, drop policy).
    bool
    submit_embed_image(image host, symbol_vector secret, uint64_t nonce, symbols_done done);

private:
    struct impl;
    std::unique_ptr<impl> d_impl;
};

//! Eve's inverse network (model-inversion attack): received symbols → image.
class mia
{
public:
    explicit mia(const std::string& model_path); //!< an "eve-mia" model file
    ~mia();
    mia(const mia&) = delete;
    mia& operator=(const mia&) = delete;

    int latent_channels() const;
    //! `snr_db` is accepted for the decoders' common interface and ignored (Eve's network
    //! is not SNR-adaptive).
    image decode(const std::complex<float>* symbols,
                 size_t num_symbols,
                 std::optional<double> snr_db = std::nullopt);
    //! decode queued on the engine; false: dropped (full queue, drop policy).
    bool submit_decode(symbol_vector symbols, std::optional<double> snr_db, image_done done);

private:
    struct impl;
    std::unique_ptr<impl> d_impl;
};

} // namespace facade

//! Quality of `received` against `reference` (same size, values in [0,1]).
struct image_quality {
    double psnr_db = 0.0;
    double ms_ssim = 0.0;
};
//! The project's PSNR and MS-SSIM (metrics.h); throws semsteg::error on mismatched sizes.
image_quality measure_quality(const image& reference, const image& received);
/*!
 * measure_quality on the inference engine, batched with other measurements: the result
 * reaches `done` on the engine's worker. Never dropped (a full queue makes the caller wait).
 * Throws semsteg::error on mismatched sizes, in the caller's thread.
 */
void submit_quality(const image& reference,
                    const image& received,
                    std::function<void(outcome<image_quality>&&)> done);
//! Makes the engine's quality measurement now (else made on first use), so that
//! inference_engine::warm_up includes it: what an image sink that measures calls first.
void prepare_quality_measurement();

} // namespace semsteg

#endif
