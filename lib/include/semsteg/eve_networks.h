/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef INCLUDED_SEMSTEG_EVE_NETWORKS_H
#define INCLUDED_SEMSTEG_EVE_NETWORKS_H

/*!
 * \file eve_networks.h
 * Eve's networks: the steganalysis detector, and the configurations of her inverse network
 * (model inversion) and her extractors (E6, E7), which are codec decoders (codec.h).

 * Tensors: images are float [B, 3, H, W] in [0,1]; latents are float [B, C, H/4, W/4] with
 * unit mean complex-symbol power per image (see latent_symbols.h for the I/Q pairing).
 * A torch header: include it only where torch is needed (the facades, semantic.h, are
 * torch-free).
 */

#include <nlohmann/json.hpp>
#include <semsteg/codec.h>

#include <torch/torch.h>

namespace semsteg {

struct detector_config {
    int channels = 8;
    int width = 32;
    //! Reads the received latent and its calibration residual y − E(D(y)) (covert.h
    //! calibrated_input): 2·channels inputs. The caller computes them with the public codec.
    bool calibrated = false;
    int input_channels() const { return calibrated ? 2 * channels : channels; }
    nlohmann::json to_json() const;
    static detector_config from_json(const nlohmann::json& j);
};

//! Steganalysis: received latent → logit that it is a container (not a plain host latent).
class detector_impl : public torch::nn::Module
{
public:
    explicit detector_impl(const detector_config& cfg);
    //! [B] logits of [B, input_channels(), h, w] (calibrated_input's for a calibrated one)
    torch::Tensor forward(const torch::Tensor& latent);
    const detector_config& config() const { return d_cfg; }

private:
    detector_config d_cfg;
    torch::nn::Conv2d d_c1 { nullptr }, d_c2 { nullptr }, d_c3 { nullptr };
    torch::nn::Linear d_fc { nullptr };
};
TORCH_MODULE_IMPL(detector, detector_impl);

//! Eve's inverse network for the model-inversion attack: a decoder trained by Eve.
struct mia_config {
    int channels = 8;
    int width = 128;
    nlohmann::json to_json() const;
    static mia_config from_json(const nlohmann::json& j);
};

/*!
 * Eve's key-agnostic extractor (E6) or known-plaintext extractor (E7): a decoder (the
 * architecture above) from 2C channels — the received container and what the public INN
 * gives back from it without the key (secure_link.h's eve_extractor_input) — to the
 * private image.
 */
struct extractor_config {
    int channels = 8; //!< C, the latent's channels (the network reads 2C)
    int width = 128;
    //! "e6": trained on containers under keys of Eve's own; "e7": on N (received
    //! container, private image) pairs of Alice's traffic under Alice's key
    std::string attack = "e6";
    int known_pairs = 0; //!< N for e7
    nlohmann::json to_json() const;
    static extractor_config from_json(const nlohmann::json& j);
};

} // namespace semsteg

#endif
