/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
// semsteg_phy_bench: the PHY's acceptance runs at full size, and its throughput.
//
//   semsteg_phy_bench acceptance            10,000 frames at 5 dB with all impairments,
//                                           fidelity at 10 dB, 10^7 noise / garbage samples
//   semsteg_phy_bench throughput [samples]  TX and RX samples/s (default 2·10^7 samples)
//
// Channel SNR is per occupied subcarrier (see tests/phy/test_loopback.cc).

#include "phy_test_util.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

using namespace semsteg::phy;
using namespace semsteg::phy::testing;

namespace {

const std::vector<cf> multipath
    = { cf(1.0f, 0.0f), 0.0f, 0.0f, 0.0f, 0.0f, cf(0.0f, 0.5f),
        0.0f,           0.0f, 0.0f, 0.0f, 0.0f, cf(-0.25f, 0.2f) };

double seconds_since(std::chrono::steady_clock::time_point t0)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

int acceptance()
{
    int failures = 0;
    {
        link_config cfg;
        cfg.frames = 10000;
        cfg.min_symbols = 300;
        cfg.max_symbols = 1024;
        cfg.channel.snr_db = 5.0;
        cfg.channel.cfo_subcarriers = 1.9;
        cfg.phase = 1.0;
        cfg.channel.timing_offset = 0.5;
        cfg.channel.taps = multipath;
        cfg.seed = 1234;
        const auto t0 = std::chrono::steady_clock::now();
        const auto r = run_link(cfg);
        const auto& c = r.counters;
        const double pct = 100.0 * r.delivered / r.sent;
        std::printf(
            "detection  5 dB, CFO 1.9, 3-tap multipath, timing 0.5, gaps 0..600: "
            "%zu/%zu delivered (%.2f %%), detected %llu, crc failed %llu, dropped %llu, "
            "seq gaps %llu, wrong %zu, effective SNR %.2f dB [%.1f s]\n",
            r.delivered,
            r.sent,
            pct,
            (unsigned long long)c.detected,
            (unsigned long long)c.header_crc_failed,
            (unsigned long long)c.dropped_invalid,
            (unsigned long long)c.seq_gaps,
            r.wrong_header,
            r.effective_snr_db(),
            seconds_since(t0));
        failures += pct < 99.9 || r.wrong_header != 0;
    }
    for (int mode = 0; mode < 3; ++mode) { // AWGN; multipath ZF; multipath MMSE
        const bool mp = mode > 0;
        link_config cfg;
        cfg.frames = 1000;
        cfg.channel.snr_db = 10.0;
        cfg.channel.cfo_subcarriers = mp ? -1.71 : 1.37;
        cfg.phase = 2.1;
        cfg.channel.timing_offset = mp ? 0.7 : 0.4;
        if (mp)
            cfg.channel.taps = multipath;
        cfg.rx.mmse_equalizer = mode == 2;
        cfg.seed = 77 + mp;
        const auto r = run_link(cfg);
        const char* what[] = { "AWGN + CFO 1.37 + timing 0.4",
                               "3-tap multipath + CFO -1.71 + timing 0.7, ZF",
                               "3-tap multipath + CFO -1.71 + timing 0.7, MMSE" };
        std::printf("fidelity  10 dB, %s: effective latent SNR %.2f dB (%.2f dB below the "
                    "channel), mean SNR estimate %.2f dB, %zu/%zu delivered\n",
                    what[mode],
                    r.effective_snr_db(),
                    10.0 - r.effective_snr_db(),
                    r.snr_est_sum / r.delivered,
                    r.delivered,
                    r.sent);
        if (!mp)
            failures += r.effective_snr_db() < 9.0;
    }
    for (int garbage = 0; garbage < 2; ++garbage) {
        frame_receiver rx;
        std::mt19937_64 rng(99 + garbage);
        std::normal_distribution<float> g(0.0f, 1.0f);
        std::vector<cf> chunk(1 << 16);
        std::vector<received_frame> out;
        const size_t total = 10000000;
        const auto t0 = std::chrono::steady_clock::now();
        for (size_t done = 0; done < total; done += chunk.size()) {
            if (garbage) {
                auto* w = reinterpret_cast<uint32_t*>(chunk.data());
                for (size_t i = 0; i < 2 * chunk.size(); ++i)
                    w[i] = static_cast<uint32_t>(rng());
            } else {
                for (auto& v : chunk)
                    v = cf(g(rng), g(rng));
            }
            rx.push(chunk.data(), std::min(chunk.size(), total - done), out);
        }
        const auto& c = rx.counters();
        std::printf("false frames, 10^7 samples of %s: delivered %zu, false alarms %llu, "
                    "detected %llu (crc failed %llu, dropped %llu) [%.1f s]\n",
                    garbage ? "random bytes (incl. NaN/Inf)" : "Gaussian noise",
                    out.size(),
                    (unsigned long long)c.false_alarms,
                    (unsigned long long)c.detected,
                    (unsigned long long)c.header_crc_failed,
                    (unsigned long long)c.dropped_invalid,
                    seconds_since(t0));
        failures += !out.empty();
    }
    std::printf("%s\n", failures ? "ACCEPTANCE FAILED" : "acceptance passed");
    return failures ? 1 : 0;
}

int throughput(size_t samples)
{
    frame_params p;
    std::mt19937_64 rng(5);
    // TX: frames of 1024 latent symbols (a 8×16×16 latent), back to back.
    frame_transmitter tx(p);
    const auto syms = random_symbols(1024, rng);
    size_t tx_samples = 0;
    auto t0 = std::chrono::steady_clock::now();
    uint32_t seq = 0;
    while (tx_samples < samples) {
        const auto burst = tx.modulate(syms.data(), syms.size(), seq++, 1);
        tx_samples += burst.size();
    }
    const double tx_s = seconds_since(t0);

    // RX: a stream of such bursts with 200-sample gaps at 15 dB, CFO, multipath.
    impairment_config ic;
    ic.noise_var = 0.03f;
    ic.cfo = 0.6;
    ic.taps = { 0.9f, 0.0f, 0.0f, cf(0.0f, 0.3f) };
    impairments chan(ic, 6);
    std::vector<cf> block;
    for (uint32_t i = 0; block.size() < std::min<size_t>(samples, 4000000); ++i) {
        auto b = tx.modulate(syms.data(), syms.size(), i, 1);
        b.resize(b.size() + 200, 0.0f);
        block.insert(block.end(), b.begin(), b.end());
    }
    block = chan.apply(block);
    frame_receiver rx(p);
    std::vector<received_frame> out;
    size_t rx_samples = 0, frames = 0;
    const size_t chunk = 8192;
    t0 = std::chrono::steady_clock::now();
    while (rx_samples < samples) {
        for (size_t pos = 0; pos < block.size() && rx_samples < samples; pos += chunk) {
            const size_t n = std::min(chunk, block.size() - pos);
            rx.push(block.data() + pos, n, out);
            rx_samples += n;
            frames += out.size();
            out.clear();
        }
    }
    const double rx_s = seconds_since(t0);
    std::printf("semsteg_phy TX: %zu samples in %.3f s = %.2f Msps\n",
                tx_samples,
                tx_s,
                tx_samples / tx_s / 1e6);
    std::printf("semsteg_phy RX: %zu samples in %.3f s = %.2f Msps (%zu frames delivered)\n",
                rx_samples,
                rx_s,
                rx_samples / rx_s / 1e6,
                frames);
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    if (argc >= 2 && std::strcmp(argv[1], "acceptance") == 0)
        return acceptance();
    if (argc >= 2 && std::strcmp(argv[1], "throughput") == 0)
        return throughput(argc >= 3 ? std::strtoull(argv[2], nullptr, 10) : 20000000);
    std::fprintf(stderr, "usage: %s acceptance | throughput [samples]\n", argv[0]);
    return 2;
}
