/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef INCLUDED_SEMSTEG_SECURE_LINK_H
#define INCLUDED_SEMSTEG_SECURE_LINK_H

/*!
 * \file secure_link.h
 * The whole system in simulation (LibTorch, no GNU Radio): Alice, Bob's and Eve's channels,
 * Bob's extraction and Eve's attacks, for a batch of (host, private) image pairs. The apps
 * (eval, demo) and the tests share it, so every number comes from one definition.
 */

#include <semsteg/nn.h>

#include <optional>

namespace semsteg {

struct secure_link_models {
    jscc_codec codec { nullptr }; //!< public DeepJSCC codec (E, D)
    inn stego { nullptr }; //!< Alice's and Bob's INN
    std::optional<decoder> mia; //!< Eve's inverse network (model inversion), if any
    std::optional<detector> detect; //!< Eve's steganalysis detector, if any
    lost_part_mode lost; //!< how Bob fills l̂

    //! Loads the files; empty paths leave the optional models out.
    static secure_link_models load(const std::string& codec_path,
                                   const std::string& inn_path,
                                   const std::string& mia_path = "",
                                   const std::string& detector_path = "",
                                   const std::string& lost_mode = "auto");
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
    // Detector logits on Eve's received signals (undefined without a detector).
    torch::Tensor detect_plain; //!< on ch_eve(E(x_h)): plain host latents
    torch::Tensor detect_container; //!< on ch_eve(z_c)
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
