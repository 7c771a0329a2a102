/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef INCLUDED_SEMSTEG_CODEC_H
#define INCLUDED_SEMSTEG_CODEC_H

/*!
 * \file codec.h
 * The DeepJSCC codec (encoder E, decoder D), plain or SNR-adaptive.

 * Tensors: images are float [B, 3, H, W] in [0,1]; latents are float [B, C, H/4, W/4] with
 * unit mean complex-symbol power per image (see latent_symbols.h for the I/Q pairing).
 * A torch header: include it only where torch is needed (the facades, semantic.h, are
 * torch-free).
 */

#include <nlohmann/json.hpp>

#include <torch/torch.h>

namespace semsteg {

struct jscc_config {
    int image_side = 64; //!< the side the codec was trained at (any multiple of 4 works)
    double bcr = 1.0 / 12.0; //!< bandwidth compression ratio k/n
    int encoder_width = 128; //!< channels of the encoder's inner layers
    int decoder_width = 128; //!< channels of the decoder's inner layers
    //! SNR-adaptive: encoder and decoder take the channel SNR (attention feature modules)
    bool snr_adaptive = false;
    int
    latent_channels() const; //!< C = 2k/(H/4·W/4) = 96·bcr; throws unless a positive even int

    nlohmann::json to_json() const;
    static jscc_config from_json(const nlohmann::json& j);
};

/*!
 * Attention feature module (ADJSCC, Xu et al. 2021): features × 2·sigmoid(FC(ReLU(FC(
 * [channel means, SNR/20])))). The last FC starts at zero, so a new module is the identity
 * map and an SNR-adaptive codec starts as the plain codec it was extended from.
 */
class snr_attention_impl : public torch::nn::Module
{
public:
    explicit snr_attention_impl(int channels);
    //! features [B,C,h,w], snr_db [B] → features scaled per image and channel.
    torch::Tensor forward(const torch::Tensor& features, const torch::Tensor& snr_db);

private:
    torch::nn::Linear d_fc1 { nullptr }, d_fc2 { nullptr };
};
TORCH_MODULE_IMPL(snr_attention, snr_attention_impl);

//! Encoder E: two stride-2 5×5 convolutions, residual 3×3 stages, PReLU; output C channels.
class encoder_impl : public torch::nn::Module
{
public:
    explicit encoder_impl(const jscc_config& cfg);
    /*!
     * Images [B,3,H,W] (H, W multiples of 4) → raw latent [B,C,H/4,W/4] (not normalised).
     * `snr_db` [B]: the channel SNR, used by an SNR-adaptive encoder only.
     */
    torch::Tensor forward(const torch::Tensor& images, const torch::Tensor& snr_db = {});

private:
    torch::nn::Conv2d d_conv1 { nullptr }, d_conv2 { nullptr }, d_conv3 { nullptr },
        d_conv4 { nullptr }, d_out { nullptr };
    torch::nn::PReLU d_act1 { nullptr }, d_act2 { nullptr }, d_act3 { nullptr },
        d_act4 { nullptr };
    torch::nn::ModuleList d_attention { nullptr }; //!< after each stage; empty: not adaptive
};
TORCH_MODULE_IMPL(encoder, encoder_impl);

/*!
 * Sub-pixel decoder: 3×3 convolutions with PReLU (two residual), two Conv2d + PixelShuffle(2)
 * upsamplings (the second straight to RGB), sigmoid output. Used as Bob's and Eve's public decoder D and as Eve's inverse network.
 */
class decoder_impl : public torch::nn::Module
{
public:
    decoder_impl(int latent_channels, int width, bool snr_adaptive = false);
    //! Latent [B,C,h,w] → images [B,3,4h,4w] in [0,1]; `snr_db` [B] as for the encoder.
    torch::Tensor forward(const torch::Tensor& latent, const torch::Tensor& snr_db = {});
    int latent_channels() const { return d_latent_channels; }

private:
    int d_latent_channels;
    torch::nn::ModuleList d_attention { nullptr };
    torch::nn::Conv2d d_in { nullptr }, d_res1 { nullptr }, d_res2 { nullptr },
        d_up1 { nullptr }, d_out { nullptr };
    torch::nn::PReLU d_act_in { nullptr }, d_act_res1 { nullptr }, d_act_res2 { nullptr },
        d_act_up1 { nullptr };
};
TORCH_MODULE_IMPL(decoder, decoder_impl);

//! The DeepJSCC codec: E followed by per-image power normalisation, and D.
class jscc_codec_impl : public torch::nn::Module
{
public:
    explicit jscc_codec_impl(const jscc_config& cfg);
    /*!
     * Images → unit-power latent (the channel input z). `snr_db` [B] (or one value for the
     * batch): the channel SNR Alice targets; an SNR-adaptive codec needs it, a plain one
     * ignores it.
     */
    torch::Tensor encode(const torch::Tensor& images, const torch::Tensor& snr_db = {});
    //! Received latent → images; `snr_db`: the SNR Bob (or Eve) estimates, as for encode.
    torch::Tensor decode(const torch::Tensor& latent, const torch::Tensor& snr_db = {});
    const jscc_config& config() const { return d_cfg; }
    bool snr_adaptive() const { return d_cfg.snr_adaptive; }

private:
    jscc_config d_cfg;
    encoder d_encoder { nullptr };
    decoder d_decoder { nullptr };
};
TORCH_MODULE_IMPL(jscc_codec, jscc_codec_impl);

//! Copies into `to` every parameter of `from` with the same name (a network extended with
//! new modules keeps what it had; the new modules keep their initial values).
void copy_shared_parameters(torch::nn::Module& from, torch::nn::Module& to);

//! The same for the parameters whose shapes agree too (a network whose latent layers
//! changed shape keeps the rest); returns how many of `to`'s parameters were not copied.
size_t copy_matching_parameters(torch::nn::Module& from, torch::nn::Module& to);

//! An SNR-adaptive copy of the plain `codec`: same weights, identity attention modules.
jscc_codec with_snr_adaptation(jscc_codec& codec);

} // namespace semsteg

#endif
