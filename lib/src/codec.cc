/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "nn_internal.h"

#include <semsteg/codec.h>
#include <semsteg/error.h>
#include <semsteg/latent_symbols.h>

#include <cmath>

namespace semsteg {

using namespace nn_internal;
namespace nnf = torch::nn::functional;

int jscc_config::latent_channels() const
{
    // k = bcr·n complex symbols = 2·bcr·n reals over (H/4)·(W/4) positions: C = 96·bcr.
    const double c = 96.0 * bcr;
    const long rounded = std::lround(c);
    if (rounded <= 0 || std::abs(c - rounded) > 1e-6 || rounded % 2 != 0)
        throw error(
            "jscc config: bcr " + std::to_string(bcr) + " gives " + std::to_string(c)
            + " latent channels; it must give a positive even integer (e.g. 1/12 → 8)");
    return static_cast<int>(rounded);
}

nlohmann::json jscc_config::to_json() const
{
    nlohmann::json j = { { "image_side", image_side },
                         { "bcr", bcr },
                         { "encoder_width", encoder_width },
                         { "decoder_width", decoder_width },
                         { "latent_channels", latent_channels() } };
    if (snr_adaptive) // absent in plain codec files (older files stay valid)
        j["snr_adaptive"] = true;
    return j;
}

jscc_config jscc_config::from_json(const nlohmann::json& j)
{
    jscc_config c;
    c.image_side = json_int(j, "image_side", c.image_side);
    c.bcr = json_double(j, "bcr", c.bcr);
    c.encoder_width = json_int(j, "encoder_width", c.encoder_width);
    c.decoder_width = json_int(j, "decoder_width", c.decoder_width);
    c.snr_adaptive = j.contains("snr_adaptive") && j.at("snr_adaptive").get<bool>();
    c.latent_channels();
    return c;
}

snr_attention_impl::snr_attention_impl(int channels)
{
    const int hidden = std::max(8, channels / 4);
    d_fc1 = register_module("fc1", torch::nn::Linear(channels + 1, hidden));
    d_fc2 = register_module("fc2", torch::nn::Linear(hidden, channels));
    torch::NoGradGuard no_grad;
    d_fc2->weight.zero_();
    d_fc2->bias.zero_();
}

torch::Tensor snr_attention_impl::forward(const torch::Tensor& features,
                                          const torch::Tensor& snr_db)
{
    // SNR/20 keeps the 0–20 dB operating range near the scale of the channel means.
    const auto b = features.size(0);
    const auto snr = snr_db.to(features.options()).reshape({ -1, 1 }).expand({ b, 1 }) / 20.0;
    const auto context = torch::cat({ features.mean({ 2, 3 }), snr }, 1);
    const auto gate = 2.0 * torch::sigmoid(d_fc2(torch::relu(d_fc1(context))));
    return features * gate.unsqueeze(-1).unsqueeze(-1);
}

namespace {
// The SNR an adaptive network was given: one value per image (or one for the batch).
void check_snr(const torch::Tensor& snr_db, int64_t batch, const char* who)
{
    if (!snr_db.defined())
        throw error(std::string(who)
                    + ": this codec is SNR-adaptive and needs the channel SNR (none given)");
    if (snr_db.numel() != 1 && snr_db.numel() != batch)
        throw error(std::string(who) + ": " + std::to_string(snr_db.numel())
                    + " SNR values for a batch of " + std::to_string(batch));
}

torch::Tensor attend(const torch::nn::ModuleList& modules,
                     size_t index,
                     const torch::Tensor& x,
                     const torch::Tensor& snr_db)
{
    if (modules.is_empty())
        return x;
    return modules->ptr(index)->as<snr_attention>()->forward(x, snr_db);
}
} // namespace

encoder_impl::encoder_impl(const jscc_config& cfg)
{
    const int w = cfg.encoder_width;
    d_conv1 = register_module("conv1", conv(3, w / 2, 5, 2));
    d_act1 = register_module("act1", torch::nn::PReLU());
    d_conv2 = register_module("conv2", conv(w / 2, w, 5, 2));
    d_act2 = register_module("act2", torch::nn::PReLU());
    d_conv3 = register_module("conv3", conv(w, w, 3));
    d_act3 = register_module("act3", torch::nn::PReLU());
    d_conv4 = register_module("conv4", conv(w, w, 3));
    d_act4 = register_module("act4", torch::nn::PReLU());
    d_out = register_module("out", conv(w, cfg.latent_channels(), 3));
    if (cfg.snr_adaptive) {
        // One module per stage, widths as the stages: w/2, w, w, w.
        d_attention = register_module("attention", torch::nn::ModuleList());
        for (int c : { w / 2, w, w, w })
            d_attention->push_back(snr_attention(c));
    }
}

torch::Tensor encoder_impl::forward(const torch::Tensor& images, const torch::Tensor& snr_db)
{
    if (!d_attention.is_empty())
        check_snr(snr_db, images.size(0), "encoder");
    auto x = attend(d_attention, 0, d_act1(d_conv1(images)), snr_db);
    x = attend(d_attention, 1, d_act2(d_conv2(x)), snr_db);
    x = attend(d_attention, 2, x + d_act3(d_conv3(x)), snr_db);
    x = attend(d_attention, 3, x + d_act4(d_conv4(x)), snr_db);
    return d_out(x);
}

decoder_impl::decoder_impl(int latent_channels, int width, bool snr_adaptive)
    : d_latent_channels(latent_channels)
{
    const int w = width;
    d_in = register_module("in", conv(latent_channels, w, 3));
    d_act_in = register_module("act_in", torch::nn::PReLU());
    d_res1 = register_module("res1", conv(w, w, 3));
    d_act_res1 = register_module("act_res1", torch::nn::PReLU());
    d_res2 = register_module("res2", conv(w, w, 3));
    d_act_res2 = register_module("act_res2", torch::nn::PReLU());
    d_up1 = register_module("up1", conv(w, (w / 2) * 4, 3));
    d_act_up1 = register_module("act_up1", torch::nn::PReLU());
    // The last layer makes 3·4 channels at half resolution and shuffles them into RGB: a
    // full-resolution 3-channel convolution is ~10× slower to train on CPU oneDNN.
    d_out = register_module("out", conv(w / 2, 3 * 4, 3));
    if (snr_adaptive) {
        d_attention = register_module("attention", torch::nn::ModuleList());
        for (int c : { w, w, w, w / 2 })
            d_attention->push_back(snr_attention(c));
    }
}

torch::Tensor decoder_impl::forward(const torch::Tensor& latent, const torch::Tensor& snr_db)
{
    if (!d_attention.is_empty())
        check_snr(snr_db, latent.size(0), "decoder");
    auto x = attend(d_attention, 0, d_act_in(d_in(latent)), snr_db);
    x = attend(d_attention, 1, x + d_act_res1(d_res1(x)), snr_db);
    x = attend(d_attention, 2, x + d_act_res2(d_res2(x)), snr_db);
    x = attend(d_attention, 3, d_act_up1(nnf::pixel_shuffle(d_up1(x), 2)), snr_db);
    return torch::sigmoid(nnf::pixel_shuffle(d_out(x), 2));
}

jscc_codec_impl::jscc_codec_impl(const jscc_config& cfg) : d_cfg(cfg)
{
    d_encoder = register_module("encoder", encoder(cfg));
    d_decoder = register_module(
        "decoder", decoder(cfg.latent_channels(), cfg.decoder_width, cfg.snr_adaptive));
}

torch::Tensor jscc_codec_impl::encode(const torch::Tensor& images,
                                      const torch::Tensor& snr_db)
{
    if (images.dim() != 4 || images.size(1) != 3 || images.size(2) % 4 != 0
        || images.size(3) % 4 != 0)
        throw error("jscc: expected images [B,3,H,W] with H and W multiples of 4, got "
                    + (std::ostringstream() << images.sizes()).str());
    return normalize_power_batch(d_encoder(images, snr_db));
}

torch::Tensor jscc_codec_impl::decode(const torch::Tensor& latent,
                                      const torch::Tensor& snr_db)
{
    if (latent.dim() != 4 || latent.size(1) != d_cfg.latent_channels())
        throw error("jscc: expected a latent [B," + std::to_string(d_cfg.latent_channels())
                    + ",h,w], got " + (std::ostringstream() << latent.sizes()).str());
    return d_decoder(latent, snr_db);
}

void copy_shared_parameters(torch::nn::Module& from, torch::nn::Module& to)
{
    torch::NoGradGuard no_grad;
    auto src = from.named_parameters();
    for (auto& p : to.named_parameters())
        if (const auto* s = src.find(p.key()))
            p.value().copy_(*s);
}

size_t copy_matching_parameters(torch::nn::Module& from, torch::nn::Module& to)
{
    torch::NoGradGuard no_grad;
    auto src = from.named_parameters();
    size_t fresh = 0;
    for (auto& p : to.named_parameters()) {
        const auto* s = src.find(p.key());
        if (s && s->sizes() == p.value().sizes())
            p.value().copy_(*s);
        else
            ++fresh;
    }
    return fresh;
}

jscc_codec with_snr_adaptation(jscc_codec& codec)
{
    auto cfg = codec->config();
    if (cfg.snr_adaptive)
        throw error("jscc: the codec is SNR-adaptive already");
    cfg.snr_adaptive = true;
    jscc_codec out(cfg);
    copy_shared_parameters(*codec, *out);
    return out;
}

} // namespace semsteg
