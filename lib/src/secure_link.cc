/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <semsteg/error.h>
#include <semsteg/latent_symbols.h>
#include <semsteg/secure_link.h>

namespace semsteg {

secure_link_models secure_link_models::load(const std::string& codec_path,
                                            const std::string& inn_path,
                                            const std::string& mia_path,
                                            const std::string& detector_path,
                                            const std::string& lost_mode)
{
    secure_link_models m;
    m.codec = load_jscc(codec_path);
    m.stego = load_inn(inn_path);
    if (m.stego->config().channels != m.codec->config().latent_channels())
        throw error("INN '" + inn_path + "' has " + std::to_string(m.stego->config().channels)
                    + " channels but codec '" + codec_path + "' makes "
                    + std::to_string(m.codec->config().latent_channels()));
    if (!mia_path.empty())
        m.mia = load_mia(mia_path);
    if (!detector_path.empty())
        m.detect = load_detector(detector_path);
    m.lost = lost_part_mode::parse(lost_mode);
    check_lost_part_mode(m.lost, *m.stego, inn_path);
    return m;
}

secure_link_result run_secure_link(secure_link_models& m,
                                   const torch::Tensor& host,
                                   const torch::Tensor& secret,
                                   const channel_config& bob_channel,
                                   const channel_config& eve_channel,
                                   torch::Generator& gen)
{
    if (host.sizes() != secret.sizes())
        throw error("secure link: host and private batches differ in shape");
    torch::NoGradGuard no_grad;
    m.codec->eval();
    m.stego->eval();
    secure_link_result r;

    const auto zh = m.codec->encode(host);
    const auto zp = m.codec->encode(secret);

    // Baseline: the private latent itself on the air.
    const auto base_bob_rx = apply_channel(zp, bob_channel, gen);
    const auto base_eve_rx = apply_channel(zp, eve_channel, gen);
    r.baseline_bob = m.codec->decode(base_bob_rx);
    r.baseline_eve = m.codec->decode(base_eve_rx);

    // Secure: only the power-normalised container is sent; l is discarded.
    const auto zc = normalize_power_batch(m.stego->embed(zh, zp).container);
    const auto bob_rx = apply_channel(zc, bob_channel, gen);
    const auto eve_rx = apply_channel(zc, eve_channel, gen);
    const auto rec = m.stego->extract(bob_rx, make_lost_part(m.lost, bob_rx, *m.stego));
    r.secure_bob = m.codec->decode(rec.secret);
    r.secure_eve = m.codec->decode(eve_rx);

    if (m.mia) {
        (*m.mia)->eval();
        r.baseline_mia = (*m.mia)->forward(base_eve_rx);
        r.secure_mia = (*m.mia)->forward(eve_rx);
    }
    if (m.detect) {
        (*m.detect)->eval();
        r.detect_plain = (*m.detect)->forward(apply_channel(zh, eve_channel, gen));
        r.detect_container = (*m.detect)->forward(eve_rx);
    }
    return r;
}

} // namespace semsteg
