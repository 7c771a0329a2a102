/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "nn_internal.h"

#include <semsteg/codec.h>
#include <semsteg/error.h>
#include <semsteg/inn.h>

#include <ATen/CPUGeneratorImpl.h>

#include <cmath>
#include <sstream>

namespace semsteg {

using namespace nn_internal;
namespace nnf = torch::nn::functional;

nlohmann::json inn_config::to_json() const
{
    nlohmann::json j = {
        { "channels", channels }, { "blocks", blocks }, { "width", width }, { "clamp", clamp }
    };
    if (lost_estimator_width > 0) // absent in files without one (older files stay valid)
        j["lost_estimator_width"] = lost_estimator_width;
    if (keyed) { // absent in keyless files (older files stay valid)
        j["keyed"] = true;
        j["scramble_rounds"] = scramble_rounds;
    }
    if (private_downscale != 1) // absent at full payload (older files stay valid)
        j["private_downscale"] = private_downscale;
    if (payload_channels > 0 && payload_channels != channels)
        j["payload_channels"] = payload_channels;
    if (codec_round_trip) // absent when the container is sent as made (older files stay valid)
        j["codec_round_trip"] = true;
    if (round_trip_host_detail) // absent without it (older files stay valid)
        j["round_trip_host_detail"] = true;
    return j;
}

inn_config inn_config::from_json(const nlohmann::json& j)
{
    inn_config c;
    c.channels = json_int(j, "channels", c.channels);
    c.blocks = json_int(j, "blocks", c.blocks);
    c.width = json_int(j, "width", c.width);
    c.clamp = json_double(j, "clamp", c.clamp);
    c.lost_estimator_width = json_int(j, "lost_estimator_width", 0);
    c.keyed = j.contains("keyed") && j.at("keyed").get<bool>();
    c.scramble_rounds = json_int(j, "scramble_rounds", c.scramble_rounds);
    c.private_downscale = json_int(j, "private_downscale", 1);
    c.payload_channels = json_int(j, "payload_channels", 0);
    c.codec_round_trip
        = j.contains("codec_round_trip") && j.at("codec_round_trip").get<bool>();
    c.round_trip_host_detail
        = j.contains("round_trip_host_detail") && j.at("round_trip_host_detail").get<bool>();
    if (c.keyed && c.scramble_rounds < 1)
        throw error("inn config: a keyed INN needs at least one scramble round");
    if (c.channels <= 0 || c.blocks <= 0 || c.width <= 0 || !(c.clamp > 0))
        throw error("inn config: channels, blocks, width and clamp must be positive");
    if (c.lost_estimator_width < 0)
        throw error("inn config: lost_estimator_width must not be negative");
    c.validate();
    return c;
}

void inn_config::validate() const
{
    const int cells = private_downscale * private_downscale;
    if (payload_channels < 0)
        throw error("inn config: payload_channels must not be negative");
    if (round_trip_host_detail && !codec_round_trip)
        throw error("inn config: round_trip_host_detail needs codec_round_trip");
    if (private_downscale < 1 || private_downscale > 8 || payload() % cells != 0)
        throw error("inn config: private_downscale " + std::to_string(private_downscale)
                    + " must be 1 to 8 with its square dividing the payload's "
                    + std::to_string(payload()) + " channels");
}

coupling_subnet_impl::coupling_subnet_impl(int in_channels, int out_channels, int width)
{
    d_c1 = register_module("c1", conv(in_channels, width, 3));
    d_c2 = register_module("c2", conv(width, width, 3));
    d_c3 = register_module("c3", conv(width, out_channels, 3));
    // Zero-initialised last layer: every block starts as the identity map.
    torch::NoGradGuard no_grad;
    d_c3->weight.zero_();
    d_c3->bias.zero_();
}

torch::Tensor coupling_subnet_impl::forward(const torch::Tensor& x)
{
    auto y = nnf::leaky_relu(d_c1(x), nnf::LeakyReLUFuncOptions().negative_slope(0.2));
    y = nnf::leaky_relu(d_c2(y), nnf::LeakyReLUFuncOptions().negative_slope(0.2));
    return d_c3(y);
}

inn_block_impl::inn_block_impl(const inn_config& cfg) : d_clamp(cfg.clamp)
{
    const int k = cfg.secret_channels();
    d_phi = register_module("phi", coupling_subnet(k, cfg.channels, cfg.width));
    d_rho = register_module("rho", coupling_subnet(cfg.channels, k, cfg.width));
    d_eta = register_module("eta", coupling_subnet(cfg.channels, k, cfg.width));
}

torch::Tensor inn_block_impl::log_scale(const torch::Tensor& zh)
{
    return d_clamp * 2.0 * (torch::sigmoid(d_rho(zh)) - 0.5);
}

void inn_block_impl::forward(torch::Tensor& zh, torch::Tensor& zp)
{
    zh = zh + d_phi(zp);
    zp = zp * torch::exp(log_scale(zh)) + d_eta(zh);
}

void inn_block_impl::inverse(torch::Tensor& zh, torch::Tensor& zp)
{
    zp = (zp - d_eta(zh)) * torch::exp(-log_scale(zh));
    zh = zh - d_phi(zp);
}

inn_impl::inn_impl(const inn_config& cfg) : d_cfg(cfg)
{
    cfg.validate();
    d_blocks = register_module("blocks", torch::nn::ModuleList());
    for (int i = 0; i < cfg.blocks; ++i)
        d_blocks->push_back(inn_block(cfg));
    if (cfg.lost_estimator_width > 0)
        d_lost_estimator = register_module(
            "lost_estimator",
            coupling_subnet(cfg.channels, cfg.secret_channels(), cfg.lost_estimator_width));
}

namespace {
//! The host-branch latent `a` [B,C,h,w] and the secret-branch latent `b` [B,K,h,w].
void check_latent_pair(const torch::Tensor& a, const torch::Tensor& b, const inn_config& cfg)
{
    const auto k = cfg.secret_channels();
    if (a.dim() != 4 || b.dim() != 4 || a.size(1) != cfg.channels || b.size(1) != k
        || a.size(0) != b.size(0) || a.size(2) != b.size(2) || a.size(3) != b.size(3))
        throw error("inn: expected latents [B," + std::to_string(cfg.channels)
                    + ",h,w] and [B," + std::to_string(k) + ",h,w], got "
                    + (std::ostringstream() << a.sizes()).str() + " and "
                    + (std::ostringstream() << b.sizes()).str());
}
} // namespace

std::vector<int64_t> inn_impl::lost_shape(const torch::Tensor& zc) const
{
    if (zc.dim() != 4 || zc.size(1) != d_cfg.channels)
        throw error("inn: expected a container [B," + std::to_string(d_cfg.channels)
                    + ",h,w], got " + (std::ostringstream() << zc.sizes()).str());
    return { zc.size(0), d_cfg.secret_channels(), zc.size(2), zc.size(3) };
}

inn_output inn_impl::embed(const torch::Tensor& zh, const torch::Tensor& zp)
{
    check_latent_pair(zh, zp, d_cfg);
    auto h = zh, p = zp;
    for (const auto& block : *d_blocks)
        block->as<inn_block>()->forward(h, p);
    return { h, p };
}

inn_recovery inn_impl::extract(const torch::Tensor& zc, const torch::Tensor& lost)
{
    check_latent_pair(zc, lost, d_cfg);
    auto h = zc, p = lost;
    const auto blocks = d_blocks->children();
    for (auto it = blocks.rbegin(); it != blocks.rend(); ++it)
        (*it)->as<inn_block>()->inverse(h, p);
    return { h, p };
}

torch::Tensor inn_impl::estimate_lost(const torch::Tensor& zc)
{
    if (!has_lost_estimator())
        throw error("inn: this INN has no lost-part estimator (l-hat mode 'estimated')");
    lost_shape(zc); // checks the container's shape
    return d_lost_estimator(zc);
}

inn with_config(inn& net, const inn_config& cfg)
{
    inn out(cfg);
    copy_shared_parameters(*net, *out);
    return out;
}

inn with_lost_estimator(inn& net, int width)
{
    if (width <= 0)
        throw error("inn: the lost-part estimator's width must be positive");
    auto cfg = net->config();
    cfg.lost_estimator_width = width;
    return with_config(net, cfg);
}

lost_part_mode lost_part_mode::parse(const std::string& text)
{
    lost_part_mode m;
    auto fail = [&]() {
        return error(
            "lost part: '" + text
            + "' is not one of auto, zeros, constant:V, gaussian:STD[:SEED], estimated");
    };
    std::vector<std::string> f;
    std::stringstream ss(text);
    for (std::string s; std::getline(ss, s, ':');)
        f.push_back(s);
    try {
        if (f.size() == 1 && f[0] == "auto")
            m.type = kind::automatic;
        else if (f.size() == 1 && f[0] == "zeros")
            m.type = kind::zeros;
        else if (f.size() == 1 && f[0] == "estimated")
            m.type = kind::estimated;
        else if (f.size() == 2 && f[0] == "constant") {
            m.type = kind::constant;
            m.value = std::stod(f[1]);
        } else if ((f.size() == 2 || f.size() == 3) && f[0] == "gaussian") {
            m.type = kind::gaussian;
            m.value = std::stod(f[1]);
            if (f.size() == 3)
                m.seed = std::stoull(f[2]);
        } else
            throw fail();
    } catch (const std::logic_error&) {
        throw fail();
    }
    return m;
}

std::string lost_part_mode::to_string() const
{
    switch (type) {
    case kind::automatic:
        return "auto";
    case kind::zeros:
        return "zeros";
    case kind::estimated:
        return "estimated";
    case kind::constant:
        return "constant:" + std::to_string(value);
    default:
        return "gaussian:" + std::to_string(value) + ":" + std::to_string(seed);
    }
}

lost_part_mode lost_part_mode::resolved(const inn_impl& net) const
{
    if (type != kind::automatic)
        return *this;
    lost_part_mode m;
    m.type = net.has_lost_estimator() ? kind::estimated : kind::zeros;
    return m;
}

void check_lost_part_mode(const lost_part_mode& mode,
                          const inn_impl& net,
                          const std::string& path)
{
    if (mode.type == lost_part_mode::kind::estimated && !net.has_lost_estimator())
        throw error("l-hat mode 'estimated' needs an INN with a lost-part estimator; '" + path
                    + "' has none (use auto or zeros)");
}

torch::Tensor
make_lost_part(const lost_part_mode& mode, const torch::Tensor& zc, inn_impl& net)
{
    const auto m = mode.resolved(net);
    switch (m.type) {
    case lost_part_mode::kind::estimated:
        return net.estimate_lost(zc);
    case lost_part_mode::kind::zeros:
        return torch::zeros(net.lost_shape(zc), zc.options());
    case lost_part_mode::kind::constant:
        return torch::full(net.lost_shape(zc), m.value, zc.options());
    default: {
        auto gen = at::detail::createCPUGenerator(m.seed);
        return (randn_on_cpu(net.lost_shape(zc), gen, zc) * m.value).to(zc.device());
    }
    }
}

} // namespace semsteg
