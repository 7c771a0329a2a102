/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef INCLUDED_SEMSTEG_SECURE_LINK_H
#define INCLUDED_SEMSTEG_SECURE_LINK_H

/*!
 * \file secure_link.h
 * The secure link, defined once (LibTorch, no GNU Radio):
 *  - the passes: Alice's embedding (what goes on the air), Bob's extraction, Eve's naive
 *    decoding; training, the evaluation, the demo and the torch-free facades (semantic.h)
 *    all call these, so a change to the link (a key, an SNR) is made here only;
 *  - the whole system in simulation: Alice, Bob's and Eve's channels, Bob's extraction and
 *    Eve's attacks, for a batch of (host, private) image pairs. The apps (eval, demo) and
 *    the tests share it, so every number comes from one definition.
 */

#include <semsteg/nn.h>
#include <semsteg/stego_key.h>

#include <memory>
#include <optional>
#include <random>

namespace semsteg {

// ---------------------------------------------------------------- the passes

//! A key drawn from a seeded generator, for experiments that must be reproducible (training
//! under keys of its own, Eve's keys in evaluation). Never a real key: semsteg-keygen makes
//! those from the operating system's random bytes.
stego_key seeded_key(std::mt19937_64& rng);

/*!
 * Keyed hiding for one batch: the keyed orthogonal transform of stego_key.h, one plan per
 * image (the key and that image's nonce), on the flattened private latent. Alice scrambles
 * z_p before embedding it; Bob unscrambles what the INN gives back. Without the key, the
 * INN run backwards yields a per-image random rotation of the private latent. The host is
 * never scrambled. Differentiable (training passes gradients through it).
 */
class latent_keying
{
public:
    //! One plan per nonce (one nonce per image of the batch), for latents of `n` reals.
    latent_keying(const stego_key& key,
                  const std::vector<uint64_t>& nonces,
                  int64_t n,
                  int rounds,
                  const torch::Device& device = torch::kCPU);
    torch::Tensor scramble(const torch::Tensor& latent) const; //!< [B,C,h,w] → same shape
    torch::Tensor unscramble(const torch::Tensor& latent) const; //!< the exact inverse
    int64_t batch() const { return d_batch; }

private:
    void check(const torch::Tensor& latent) const;
    int64_t d_batch, d_n;
    std::vector<torch::Tensor> d_signs, d_perm; //!< per round: [B,n] floats, [B,n] indices
};

/*!
 * The payload (inn_config::private_downscale, s): the private images [B,3,H,W] → the latent
 * the INN hides, [B,C/s²,H/4,W/4]. At s = 1 the codec's latent (full payload); at s > 1 the
 * codec's latent of the image downscaled s times (area mean), its (H/4s)×(W/4s) grid folded
 * into channels to the host's grid (pixel shuffle). `snr_db` as for the codec's encode.
 */
torch::Tensor private_latent(jscc_codec_impl& codec,
                             const inn_impl& stego,
                             const torch::Tensor& images,
                             const torch::Tensor& snr_db);
//! The inverse for a receiver: ẑ_p → the private image [B,3,H,W] (at s > 1 decoded at
//! 1/s the size and upsampled bilinearly).
torch::Tensor private_image(jscc_codec_impl& codec,
                            const inn_impl& stego,
                            const torch::Tensor& latent,
                            const torch::Tensor& snr_db);

//! What Alice's embedding gives.
struct alice_output {
    //! the container as sent: z_c scaled to unit mean symbol power (through the codec's
    //! round trip for an INN with inn_config::codec_round_trip)
    torch::Tensor sent;
    torch::Tensor container; //!< z_c as the INN makes it (before power normalisation)
    torch::Tensor lost; //!< l, the part Alice discards
};

//! The public codec and the SNR [B] Alice encoded the host at: what an INN with
//! inn_config::codec_round_trip sends its containers through.
struct codec_range {
    jscc_codec_impl* codec = nullptr;
    torch::Tensor snr_db;
    //! the host images [B,3,H,W] z_h encodes: needed by an INN with
    //! inn_config::round_trip_host_detail only
    torch::Tensor host_image = {};
};

/*!
 * Alice: host and private latents (z_h, z_p) → the container she sends. A keyed INN needs
 * `key` (z_p is scrambled before it is embedded); a keyless one must have none. An INN with
 * inn_config::codec_round_trip needs `range`: it sends E(D(z_c)) (`sent`; `container` stays
 * z_c, the INN's output); other INNs ignore it.
 */
alice_output alice_embed(inn_impl& stego,
                         const torch::Tensor& zh,
                         const torch::Tensor& zp,
                         const latent_keying* key = nullptr,
                         const codec_range& range = {});

//! What Bob's extraction gives.
struct bob_output {
    torch::Tensor lost_hat; //!< l̂, his fill for the discarded part
    inn_recovery recovered; //!< (ẑ_h, ẑ_p): ẑ_p is what he decodes
};

//! Bob: the received container → his estimate of the private latent (unscrambled with
//! `key`, which a keyed INN needs).
bob_output bob_extract(inn_impl& stego,
                       const lost_part_mode& lost,
                       const torch::Tensor& received,
                       const latent_keying* key = nullptr);

/*!
 * Throws semsteg::error (naming `inn_path`, if any) unless the INN and the key go together: a keyed
 * INN needs the key, a keyless one must not be given one (it would protect nothing).
 */
void check_inn_key(const inn_impl& stego, bool have_key, const std::string& inn_path);

//! Eve with the public INN and no key: what the INN gives back from what she receives
//! (her l̂ from `lost`; nothing unscrambled, she cannot).
torch::Tensor
eve_inn_backwards(inn_impl& stego, const lost_part_mode& lost, const torch::Tensor& received);
//! What Eve's extractors (E6, E7) read: [received container, eve_inn_backwards] along the
//! channels, [B,2C,h,w].
torch::Tensor eve_extractor_input(const torch::Tensor& received,
                                  const torch::Tensor& backwards);

// ---------------------------------------------------------------- the system in simulation

struct secure_link_models {
    jscc_codec codec { nullptr }; //!< public DeepJSCC codec (E, D)
    inn stego { nullptr }; //!< Alice's and Bob's INN
    std::optional<decoder> mia; //!< Eve's inverse network (model inversion), if any
    std::optional<detector> detect; //!< Eve's steganalysis detector, if any
    std::optional<decoder> extractor; //!< Eve's extractor (E6 or E7), if any
    //! E5: an INN of Eve's own (the public recipe trained again, or fine-tuned), if any;
    //! she runs it backwards on what she receives, her l̂ its "auto" mode
    std::optional<inn> eve_inn;
    //! The codec of the private image when the INN's payload has one of its own (a reduced
    //! payload's; public like every file), else the public codec codes it.
    std::optional<jscc_codec> private_codec;
    extractor_config extractor_cfg; //!< which attack the extractor is
    lost_part_mode lost; //!< how Bob fills l̂
    //! The key Alice and Bob share (a keyed INN needs it; a keyless one must have none).
    std::optional<stego_key> key;
    //! Nonces for the images sent (shared by copies: never reused within a run).
    std::shared_ptr<nonce_source> nonces = std::make_shared<nonce_source>();
    //! An SNR-adaptive codec's receivers are told their SNR plus this (dB): a biased
    //! estimate, for the mismatch sweep (Alice's target stays Bob's true SNR).
    double snr_estimate_error_db = 0.0;
    //! Keep what Eve receives (plain host latents and containers) in the result, for
    //! steganalysis outside the link (the statistical steganalyst).
    bool keep_received = false;

    //! Loads the files; empty paths leave the optional models out. `key` as in
    //! facade::inn (semantic.h): required by a keyed INN, refused by a keyless one.
    static secure_link_models load(const std::string& codec_path,
                                   const std::string& inn_path,
                                   const std::string& mia_path = "",
                                   const std::string& detector_path = "",
                                   const std::string& lost_mode = "auto",
                                   const std::optional<stego_key>& key = std::nullopt,
                                   const std::string& private_codec_path = "");
    //! The codec that codes the private image (private_codec, or the public one).
    jscc_codec_impl& private_coder() { return private_codec ? **private_codec : *codec; }
    //! The codec of `stego`'s payload: private_coder() if its channels are the payload's,
    //! else the public codec (E5: Eve's own INN may carry another payload than Alice's).
    jscc_codec_impl& coder_of(const inn_impl& stego);
    //! Loads E5's INN of Eve's own into eve_inn; throws semsteg::error when it does not
    //! fit the codec.
    void load_eve_inn(const std::string& path);
};

struct secure_link_result {
    // Unprotected DeepJSCC (the baseline): the private image sent as is.
    torch::Tensor baseline_bob; //!< D(ch_bob(E(x_p)))
    torch::Tensor baseline_eve; //!< D(ch_eve(E(x_p))): Eve's naive decoding
    torch::Tensor baseline_mia; //!< MIA(ch_eve(E(x_p))) (undefined without an MIA model)
    // Secure system: the container z_c sent.
    torch::Tensor secure_bob; //!< D(ẑ_p), ẑ_p from INN⁻¹(ch_bob(z_c), l̂)
    torch::Tensor secure_eve; //!< D(ch_eve(z_c)): Eve's naive decoding
    torch::Tensor secure_mia; //!< MIA(ch_eve(z_c))
    //! The host itself on the air, as Eve would see it were nothing hidden (E9's
    //! reference): D(ch_eve(E(x_h))), and MIA(ch_eve(E(x_h))) with an MIA model.
    torch::Tensor plain_host_eve, plain_host_mia;
    // Detector logits on Eve's received signals (undefined without a detector).
    torch::Tensor detect_plain; //!< on ch_eve(E(x_h)): plain host latents
    torch::Tensor detect_container; //!< on ch_eve(z_c)
    //! Eve's received signals (keep_received only): ch_eve(E(x_h)) and ch_eve(z_c).
    torch::Tensor eve_plain_rx, eve_container_rx;
    /*!
     * E4, Eve with every public file, the INN included, but not the key (keyed INN only;
     * undefined otherwise): she runs the INN backwards on what she receives (her l̂ as
     * Bob's mode) and decodes, unscrambling with: nothing, a random key of her own, Alice's
     * key with one bit flipped, Alice's key with a wrong nonce.
     */
    torch::Tensor eve_inn_nokey, eve_inn_wrong_key, eve_inn_flipped_bit, eve_inn_wrong_nonce;
    //! E6 / E7: Eve's trained extractor on what she receives (undefined without one).
    torch::Tensor eve_extractor;
    //! E5: her own INN backwards on what she receives, decoded (undefined without one).
    torch::Tensor eve_own_inn;
};

/*!
 * Runs one batch (x_h, x_p: [B,3,H,W] in [0,1]) through both systems. Bob's and Eve's
 * channels draw independent noise from `gen`. No gradients are kept.
 */
secure_link_result run_secure_link(secure_link_models& models,
                                   const torch::Tensor& host,
                                   const torch::Tensor& secret,
                                   const channel_config& bob_channel,
                                   const channel_config& eve_channel,
                                   torch::Generator& gen);

} // namespace semsteg

#endif
