/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "nn_internal.h"

#include <semsteg/error.h>
#include <semsteg/eve_networks.h>

namespace semsteg {

using namespace nn_internal;
namespace nnf = torch::nn::functional;

nlohmann::json detector_config::to_json() const
{
    nlohmann::json j { { "channels", channels }, { "width", width } };
    if (calibrated) // written only when set: earlier detector files stay as they were
        j["calibrated"] = true;
    return j;
}

detector_config detector_config::from_json(const nlohmann::json& j)
{
    detector_config c;
    c.channels = json_int(j, "channels", c.channels);
    c.width = json_int(j, "width", c.width);
    if (j.contains("calibrated")) {
        if (!j["calibrated"].is_boolean())
            throw error("detector config: 'calibrated' must be true or false");
        c.calibrated = j["calibrated"].get<bool>();
    }
    return c;
}

detector_impl::detector_impl(const detector_config& cfg) : d_cfg(cfg)
{
    d_c1 = register_module("c1", conv(cfg.input_channels(), cfg.width, 3));
    d_c2 = register_module("c2", conv(cfg.width, 2 * cfg.width, 3, 2));
    d_c3 = register_module("c3", conv(2 * cfg.width, 2 * cfg.width, 3, 2));
    d_fc = register_module("fc", torch::nn::Linear(2 * cfg.width, 1));
}

torch::Tensor detector_impl::forward(const torch::Tensor& latent)
{
    const auto opt = nnf::LeakyReLUFuncOptions().negative_slope(0.2);
    auto x = nnf::leaky_relu(d_c1(latent), opt);
    x = nnf::leaky_relu(d_c2(x), opt);
    x = nnf::leaky_relu(d_c3(x), opt);
    return d_fc(x.mean({ 2, 3 })).squeeze(1);
}

nlohmann::json mia_config::to_json() const
{
    return { { "channels", channels }, { "width", width } };
}

mia_config mia_config::from_json(const nlohmann::json& j)
{
    mia_config c;
    c.channels = json_int(j, "channels", c.channels);
    c.width = json_int(j, "width", c.width);
    return c;
}

nlohmann::json extractor_config::to_json() const
{
    return { { "channels", channels },
             { "width", width },
             { "attack", attack },
             { "known_pairs", known_pairs } };
}

extractor_config extractor_config::from_json(const nlohmann::json& j)
{
    extractor_config c;
    c.channels = json_int(j, "channels", c.channels);
    c.width = json_int(j, "width", c.width);
    c.attack = j.contains("attack") ? j.at("attack").get<std::string>() : c.attack;
    c.known_pairs = json_int(j, "known_pairs", 0);
    if (c.channels <= 0 || c.width <= 0 || (c.attack != "e6" && c.attack != "e7"))
        throw error("extractor config: positive channels and width, attack e6 or e7");
    return c;
}

} // namespace semsteg
