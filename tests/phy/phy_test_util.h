/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef INCLUDED_SEMSTEG_PHY_TEST_UTIL_H
#define INCLUDED_SEMSTEG_PHY_TEST_UTIL_H

// Shared by the PHY tests and the PHY bench: a link of many bursts through impairments.

#include <cmath>
#include <map>
#include <random>
#include <semsteg/phy/frame_receiver.h>
#include <semsteg/phy/frame_transmitter.h>
#include <semsteg/phy/impairments.h>

namespace semsteg {
namespace phy {
namespace testing {

//! Unit-power complex Gaussian symbols, like a power-normalised latent.
inline std::vector<cf> random_symbols(size_t n, std::mt19937_64& rng)
{
    std::normal_distribution<float> g(0.0f, std::sqrt(0.5f));
    std::vector<cf> s(n);
    for (auto& v : s)
        v = cf(g(rng), g(rng));
    return s;
}

struct link_config {
    size_t frames = 100;
    size_t min_symbols = 1024, max_symbols = 1024;
    size_t min_gap = 0, max_gap = 600; //!< silence (noise only) between bursts, samples
    size_t max_chunk = 4096; //!< RX push sizes are uniform in 1..max_chunk
    //! SNR per occupied subcarrier, CFO, taps (scaled to unit energy), fractional delay:
    //! the channel specification of channel.h, 10 dB AWGN unless set
    channel_config channel;
    double phase = 0.0;
    uint64_t seed = 1;
    receiver_config rx;
    frame_params params;
};

struct link_result {
    size_t sent = 0, delivered = 0, wrong_header = 0;
    double signal_energy = 0.0, error_energy = 0.0;
    double snr_est_sum = 0.0, cfo_est_sum = 0.0;
    double effective_snr_db() const
    {
        return 10.0 * std::log10(signal_energy / error_energy);
    }
    receiver_counters counters;
    size_t samples = 0;
    size_t max_buffered = 0;
};

//! Sends cfg.frames bursts (seq 0..), with gaps, through one continuous impaired channel and
//! the receiver; matches delivered frames to sent ones by seq.
inline link_result run_link(const link_config& cfg)
{
    std::mt19937_64 rng(cfg.seed);
    const frame_params& params = cfg.params;
    frame_transmitter tx(params);
    frame_receiver rx(params, cfg.rx);

    impairments channel(impairments_for(cfg.channel, params, cfg.phase), cfg.seed * 7919 + 1);

    std::uniform_int_distribution<size_t> len_d(cfg.min_symbols, cfg.max_symbols);
    std::uniform_int_distribution<size_t> gap_d(cfg.min_gap, cfg.max_gap);
    std::uniform_int_distribution<size_t> chunk_d(1, cfg.max_chunk);
    std::map<uint32_t, std::vector<cf>> sent;
    link_result res;
    std::vector<received_frame> frames;

    auto feed = [&](const std::vector<cf>& tx_samples) {
        const auto rx_samples = channel.apply(tx_samples);
        res.samples += rx_samples.size();
        size_t pos = 0;
        while (pos < rx_samples.size()) {
            const size_t n = std::min(chunk_d(rng), rx_samples.size() - pos);
            rx.push(rx_samples.data() + pos, n, frames);
            pos += n;
            res.max_buffered = std::max(res.max_buffered, rx.buffered_samples());
        }
        for (const auto& f : frames) {
            auto it = sent.find(f.header.seq);
            if (it == sent.end() || it->second.size() != f.symbols.size()) {
                ++res.wrong_header;
                continue;
            }
            ++res.delivered;
            for (size_t i = 0; i < f.symbols.size(); ++i) {
                res.signal_energy += std::norm(it->second[i]);
                res.error_energy += std::norm(f.symbols[i] - it->second[i]);
            }
            res.snr_est_sum += f.snr_est_db;
            res.cfo_est_sum += f.cfo_est;
            sent.erase(it);
        }
        frames.clear();
    };

    for (size_t i = 0; i < cfg.frames; ++i) {
        feed(std::vector<cf>(gap_d(rng), 0.0f));
        auto syms = random_symbols(len_d(rng), rng);
        auto burst = tx.modulate(syms.data(), syms.size(), static_cast<uint32_t>(i), 42);
        sent[static_cast<uint32_t>(i)] = std::move(syms);
        ++res.sent;
        feed(burst);
    }
    feed(std::vector<cf>(2000, 0.0f)); // flush the channel and the last frame
    res.counters = rx.counters();
    return res;
}

} // namespace testing
} // namespace phy
} // namespace semsteg

#endif
