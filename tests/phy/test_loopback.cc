/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
// TX → impairments → RX loopback in C++: fidelity, detection, false frames, robustness.
// Channel SNR here is per occupied subcarrier (unit-power carriers, noise after the
// unitary FFT), i.e. the SNR a genie receiver would see on each latent symbol; the
// time-domain SNR of the same link is 10·log10(52/64) = 0.9 dB lower.

#include "phy_test_util.h"

#include <gtest/gtest.h>
#include <limits>
#include <optional>
#include <utility>

using namespace semsteg::phy;
using namespace semsteg::phy::testing;

namespace {

const std::vector<cf> multipath
    = { cf(1.0f, 0.0f), 0.0f, 0.0f, 0.0f, 0.0f, cf(0.0f, 0.5f),
        0.0f,           0.0f, 0.0f, 0.0f, 0.0f, cf(-0.25f, 0.2f) }; // delays 0, 5, 11

void expect_accounted(const receiver_counters& c)
{
    EXPECT_EQ(c.detected, c.delivered + c.header_crc_failed + c.dropped_invalid);
}

// SNR of zero-forcing with perfect channel knowledge on this channel (normalised taps):
// 1 / mean_k(σ²/|H_k|²) over the data carriers. Multipath fidelity is judged against it.
double genie_zf_snr_db(const std::vector<cf>& taps, double snr_db)
{
    frame_params p;
    double e = 0.0;
    for (auto t : taps)
        e += std::norm(t);
    double inv = 0.0;
    for (int c : p.data_carriers) {
        std::complex<double> h = 0.0;
        for (size_t l = 0; l < taps.size(); ++l)
            h += std::complex<double>(taps[l]) * std::polar(1.0, -2.0 * M_PI * c * l / 64.0);
        inv += e / std::norm(h);
    }
    return snr_db - 10.0 * std::log10(inv / p.data_carriers.size());
}

} // namespace

TEST(Loopback, FidelityAwgnWithCfoAt10dB)
{
    link_config cfg;
    cfg.frames = 100;
    cfg.min_symbols = 200;
    cfg.max_symbols = 1500; // exercises the zero-padded last symbol
    cfg.channel.snr_db = 10.0;
    cfg.channel.cfo_subcarriers = 1.37;
    cfg.phase = 2.1;
    cfg.channel.timing_offset = 0.4;
    cfg.seed = 1;
    const auto r = run_link(cfg);
    ASSERT_EQ(r.delivered, r.sent);
    EXPECT_EQ(r.wrong_header, 0u);
    const double eff = r.effective_snr_db();
    std::printf(
        "[ metric ] AWGN+CFO 1.37, 10 dB: effective latent SNR %.2f dB (loss %.2f dB), "
        "mean SNR estimate %.2f dB\n",
        eff,
        10.0 - eff,
        r.snr_est_sum / r.delivered);
    EXPECT_GE(eff, 9.0); // acceptance: within 1.0 dB of the channel SNR
    EXPECT_LE(eff, 10.3); // and not better than the channel allows
    EXPECT_NEAR(r.snr_est_sum / r.delivered, 10.0, 0.7);
    expect_accounted(r.counters);
}

namespace {

void multipath_fidelity(const char* name, const std::vector<cf>& taps, uint64_t seed)
{
    link_config cfg;
    cfg.frames = 100;
    cfg.channel.snr_db = 10.0;
    cfg.channel.cfo_subcarriers = -1.71;
    cfg.phase = -0.6;
    cfg.channel.timing_offset = 0.7;
    cfg.channel.taps = taps;
    cfg.seed = seed;
    const auto r = run_link(cfg);
    ASSERT_EQ(r.delivered, r.sent);
    const double eff = r.effective_snr_db();
    const double genie = genie_zf_snr_db(taps, 10.0);
    std::printf("[ metric ] %s + CFO -1.71 + timing 0.7, 10 dB: effective latent SNR %.2f dB "
                "(%.2f dB below channel; genie ZF %.2f dB, %.2f dB below it)\n",
                name,
                eff,
                10.0 - eff,
                genie,
                genie - eff);
    // Zero forcing keeps the latent unbiased, so faded carriers cost what they cost: the
    // receiver is judged against ZF with perfect channel knowledge.
    EXPECT_GE(eff, genie - 0.5);
    EXPECT_LE(eff, genie + 0.2);
    expect_accounted(r.counters);
}

} // namespace

TEST(Loopback, FidelityMultipathAllImpairmentsAt10dB)
{
    // Strong echoes (-6 dB at 5 samples, -10 dB at 11): fades of ~10 dB on some carriers.
    multipath_fidelity("3-tap multipath (0/-6/-10 dB at 0/5/11)", multipath, 2);
}

TEST(Loopback, FidelityMildMultipathAt10dB)
{
    // Exponential-like profile (0/-10/-16 dB at 0/3/8): the 2 dB aim.
    const std::vector<cf> mild
        = { 1.0f, 0.0f, 0.0f, cf(0.22f, -0.22f), 0.0f, 0.0f, 0.0f, 0.0f, cf(-0.1f, 0.12f) };
    multipath_fidelity("mild 3-tap multipath", mild, 8);
    link_config cfg;
    cfg.frames = 100;
    cfg.channel.taps = mild;
    cfg.channel.cfo_subcarriers = 0.8;
    cfg.channel.timing_offset = 0.3;
    cfg.seed = 9;
    const auto r = run_link(cfg);
    EXPECT_GE(r.effective_snr_db(), 8.0);
}

TEST(Loopback, MmseEqualiserOnMultipath)
{
    // MMSE trades the unbiasedness of ZF for a lower mean squared error on faded carriers.
    // Its bound with perfect channel knowledge: 1 / mean_k(σ² / (|H_k|² + σ²)).
    frame_params p;
    double e = 0.0;
    for (auto t : multipath)
        e += std::norm(t);
    const double noise = 0.1; // 10 dB
    double mse = 0.0;
    for (int c : p.data_carriers) {
        std::complex<double> h = 0.0;
        for (size_t l = 0; l < multipath.size(); ++l)
            h += std::complex<double>(multipath[l])
                * std::polar(1.0, -2.0 * M_PI * c * l / 64.0);
        mse += noise / (std::norm(h) / e + noise);
    }
    const double genie_mmse = -10.0 * std::log10(mse / p.data_carriers.size());

    link_config cfg;
    cfg.frames = 100;
    cfg.channel.snr_db = 10.0;
    cfg.channel.cfo_subcarriers = 0.9;
    cfg.channel.timing_offset = 0.3;
    cfg.channel.taps = multipath;
    cfg.seed = 13;
    cfg.rx.mmse_equalizer = true;
    const auto mmse = run_link(cfg);
    cfg.rx.mmse_equalizer = false;
    const auto zf = run_link(cfg);
    ASSERT_EQ(mmse.delivered, mmse.sent);
    std::printf(
        "[ metric ] 3-tap multipath, 10 dB: MMSE %.2f dB (genie %.2f dB), ZF %.2f dB\n",
        mmse.effective_snr_db(),
        genie_mmse,
        zf.effective_snr_db());
    EXPECT_GT(mmse.effective_snr_db(), zf.effective_snr_db() + 0.5);
    EXPECT_GE(mmse.effective_snr_db(), genie_mmse - 0.5);
    EXPECT_LE(mmse.effective_snr_db(), genie_mmse + 0.3);
}

TEST(Loopback, DetectionAt5dBWithAllImpairments)
{
    // The acceptance run (10,000 frames) is in bench/phy; 2,000 here keep ctest fast.
    link_config cfg;
    cfg.frames = 2000;
    cfg.min_symbols = 300;
    cfg.max_symbols = 1024;
    cfg.channel.snr_db = 5.0;
    cfg.channel.cfo_subcarriers = 1.9;
    cfg.phase = 1.0;
    cfg.channel.timing_offset = 0.5;
    cfg.channel.taps = multipath;
    cfg.seed = 3;
    const auto r = run_link(cfg);
    std::printf("[ metric ] 5 dB, all impairments: %zu/%zu delivered, crc failed %llu, "
                "dropped %llu, seq gaps %llu, effective SNR %.2f dB\n",
                r.delivered,
                r.sent,
                (unsigned long long)r.counters.header_crc_failed,
                (unsigned long long)r.counters.dropped_invalid,
                (unsigned long long)r.counters.seq_gaps,
                r.effective_snr_db());
    EXPECT_GE(r.delivered, 1998u); // ≥ 99.9 %
    EXPECT_EQ(r.wrong_header, 0u);
    expect_accounted(r.counters);
    // Every frame is accounted for: delivered + gaps in seq = sent (last frame delivered).
    EXPECT_EQ(r.counters.delivered + r.counters.seq_gaps, r.sent);
}

TEST(Loopback, OtherFrameParameters)
{
    // QPSK header (7 symbols), CP 32, 3 header copies, other pilots: the same chain works.
    link_config cfg;
    cfg.params.cp_len = 32;
    cfg.params.header_mod = header_modulation::qpsk;
    cfg.params.header_repetition = 3;
    cfg.params.pilot_values = { 1.0f, -1.0f, 1.0f, 1.0f };
    cfg.frames = 50;
    cfg.min_symbols = 1;
    cfg.max_symbols = 700;
    cfg.channel.snr_db = 12.0;
    cfg.channel.cfo_subcarriers = -0.6;
    cfg.channel.timing_offset = 0.25;
    cfg.channel.taps = multipath;
    cfg.seed = 11;
    const auto r = run_link(cfg);
    EXPECT_EQ(r.delivered, r.sent);
    EXPECT_EQ(r.wrong_header, 0u);
    EXPECT_GE(r.effective_snr_db(), genie_zf_snr_db(multipath, 12.0) - 0.5);
    expect_accounted(r.counters);
}

TEST(Loopback, BufferStaysBounded)
{
    link_config cfg;
    cfg.frames = 300;
    cfg.min_symbols = 100;
    cfg.max_symbols = 4000; // frames up to 84 payload symbols (7,000+ samples)
    cfg.max_gap = 5000;
    cfg.max_chunk = 20000;
    cfg.seed = 12;
    const auto r = run_link(cfg);
    EXPECT_EQ(r.delivered, r.sent);
    EXPECT_GT(r.samples, 1000000u);
    // One frame (< 9,000 samples) + the trim slack (2^16) + one chunk (20,000), never the
    // whole stream.
    EXPECT_LT(r.max_buffered, 2u * 65536u + 20000u + frame_params().burst_samples(4000));
}

TEST(Loopback, NoiseOnlyDeliversNothing)
{
    frame_receiver rx;
    std::mt19937_64 rng(4);
    std::normal_distribution<float> g(0.0f, 1.0f);
    std::vector<cf> chunk(100000);
    std::vector<received_frame> out;
    for (int i = 0; i < 10; ++i) { // 10^6 samples (10^7 in bench/phy)
        for (auto& v : chunk)
            v = cf(g(rng), g(rng));
        rx.push(chunk.data(), chunk.size(), out);
    }
    EXPECT_TRUE(out.empty());
    EXPECT_EQ(rx.counters().delivered, 0u);
    expect_accounted(rx.counters());
}

TEST(Loopback, GarbageDeliversNothing)
{
    // Random bytes reinterpreted as floats: huge, tiny, denormal, NaN and Inf values.
    frame_receiver rx;
    std::mt19937_64 rng(5);
    std::vector<cf> chunk(100000);
    std::vector<received_frame> out;
    for (int i = 0; i < 10; ++i) {
        auto* words = reinterpret_cast<uint32_t*>(chunk.data());
        for (size_t w = 0; w < 2 * chunk.size(); ++w)
            words[w] = static_cast<uint32_t>(rng());
        rx.push(chunk.data(), chunk.size(), out);
    }
    // And a few tones and DC, which fool the Schmidl-Cox metric by themselves.
    for (double f : { 0.0, 0.125, 3.0 / 64.0 }) {
        for (size_t n = 0; n < chunk.size(); ++n)
            chunk[n] = std::polar(1.0f, static_cast<float>(2.0 * M_PI * f * n));
        rx.push(chunk.data(), chunk.size(), out);
    }
    EXPECT_TRUE(out.empty());
    expect_accounted(rx.counters());
}

namespace {

std::vector<cf> noisy(std::vector<cf> x, float var, std::mt19937_64& rng)
{
    std::normal_distribution<float> g(0.0f, std::sqrt(var / 2));
    for (auto& v : x)
        v += cf(g(rng), g(rng));
    return x;
}

} // namespace

TEST(Loopback, RobustToTruncationAbsurdHeadersAndNonFiniteSamples)
{
    frame_params p;
    frame_transmitter tx(p);
    frame_receiver rx(p);
    std::mt19937_64 rng(6);
    std::vector<cf> stream;
    auto gap = [&](size_t n) { stream.insert(stream.end(), n, cf(0.0f)); };
    auto add
        = [&](const std::vector<cf>& b) { stream.insert(stream.end(), b.begin(), b.end()); };
    auto good = [&](uint32_t seq) {
        auto s = random_symbols(700, rng);
        return tx.modulate(s.data(), s.size(), seq, 1);
    };

    gap(300);
    add(good(0));
    gap(200);
    // 1. A burst cut short in its payload, then silence.
    auto cut = good(1);
    cut.resize(cut.size() - 700);
    add(cut);
    gap(400);
    add(good(2));
    gap(100);
    // 2. Headers with a valid CRC but absurd contents.
    frame_header absurd;
    absurd.seq = 3;
    absurd.num_symbols = 4000000000u;
    absurd.payload_ofdm_symbols = 60000;
    add(tx.modulate_with_header(absurd, random_symbols(96, rng)));
    gap(100);
    frame_header mismatch;
    mismatch.seq = 4;
    mismatch.num_symbols = 500;
    mismatch.payload_ofdm_symbols = 2; // needs 11
    add(tx.modulate_with_header(mismatch, random_symbols(96, rng)));
    gap(100);
    add(good(5));
    gap(100);
    // 3. NaN and Inf inside a payload.
    auto nan_burst = good(6);
    nan_burst[nan_burst.size() - 300] = cf(std::numeric_limits<float>::quiet_NaN(), 0.0f);
    add(nan_burst);
    gap(150);
    auto inf_burst = good(7);
    inf_burst[2000] = cf(0.0f, std::numeric_limits<float>::infinity());
    add(inf_burst);
    gap(150);
    // 4. A header smothered in noise: CRC failure.
    auto bad_header = good(8);
    bad_header = [&] {
        const auto at = bad_header.begin() + frame_params::preamble_symbols * 80;
        std::vector<cf> head(at, at + p.header_ofdm_symbols() * 80);
        head = noisy(std::vector<cf>(head.size(), 0.0f), 30.0f, rng);
        std::copy(head.begin(), head.end(), at);
        return bad_header;
    }();
    add(bad_header);
    gap(200);
    add(good(9));
    gap(2000);
    stream = noisy(stream, 0.02f, rng);
    // NaN/Inf outside any frame harm nothing.
    stream[50] = cf(std::numeric_limits<float>::infinity(), 1.0f);

    std::vector<received_frame> out;
    size_t pos = 0;
    std::uniform_int_distribution<size_t> chunk(1, 3000);
    while (pos < stream.size()) {
        const size_t n = std::min(chunk(rng), stream.size() - pos);
        rx.push(stream.data() + pos, n, out);
        pos += n;
    }
    std::vector<uint32_t> seqs;
    for (const auto& f : out)
        seqs.push_back(f.header.seq);
    EXPECT_EQ(seqs, (std::vector<uint32_t> { 0, 2, 5, 9 }));
    const auto& c = rx.counters();
    EXPECT_EQ(c.delivered, 4u);
    EXPECT_EQ(c.dropped_invalid, 5u); // cut, absurd, mismatch, NaN, Inf
    EXPECT_EQ(c.header_crc_failed, 1u);
    EXPECT_EQ(c.seq_gaps, 6u);
    EXPECT_EQ(c.first_seq, 0u);
    EXPECT_EQ(c.last_seq, 9u);
    EXPECT_EQ(c.last_seq - c.first_seq + 1, c.delivered + c.seq_gaps);
    EXPECT_EQ(c.seq_restarts, 0u);
    expect_accounted(c);
}

// A transmitter that is restarted starts its sequence numbers again: a new run, counted as
// a restart and never as loss; a receiver joining mid-run starts counting where it joins.
TEST(Loopback, TransmitterRestartIsCountedNotLost)
{
    frame_params p;
    frame_transmitter tx(p);
    frame_receiver rx(p);
    std::mt19937_64 rng(8);
    std::vector<cf> stream(300, cf(0.0f));
    auto add = [&](uint32_t seq) {
        auto s = random_symbols(200, rng);
        const auto b = tx.modulate(s.data(), s.size(), seq, 1);
        stream.insert(stream.end(), b.begin(), b.end());
        stream.insert(stream.end(), 200, cf(0.0f));
    };
    for (uint32_t seq : { 41u, 42u, 44u }) // joined at 41; 43 lost
        add(seq);
    for (uint32_t seq : { 0u, 1u, 2u }) // restarted
        add(seq);
    stream = noisy(stream, 0.02f, rng);
    std::vector<received_frame> out;
    rx.push(stream.data(), stream.size(), out);
    const auto& c = rx.counters();
    EXPECT_EQ(c.delivered, 6u);
    EXPECT_EQ(c.seq_gaps, 1u);
    EXPECT_EQ(c.seq_restarts, 1u);
    EXPECT_EQ(c.first_seq, 41u);
    EXPECT_EQ(c.last_seq, 2u);
}

TEST(Loopback, NonceSurvivesTheLinkAndVersion1HeadersAreRejected)
{
    // Header version 2 carries the per-image nonce of keyed hiding; it must come out of the
    // receiver exactly as sent (CRC-protected), and frames without one without it.
    frame_params p;
    frame_transmitter tx(p);
    frame_receiver rx(p);
    std::mt19937_64 rng(9);
    impairment_config ic;
    ic.noise_var = 0.1f; // 10 dB per carrier
    ic.cfo = -0.83;
    ic.timing_offset = 0.3;
    ic.phase = 0.4;
    impairments channel(ic, 91);
    std::vector<cf> stream(300, 0.0f);
    auto add = [&](const std::vector<cf>& b) {
        stream.insert(stream.end(), b.begin(), b.end());
        stream.insert(stream.end(), 250, cf(0.0f));
    };
    const std::vector<std::pair<uint32_t, std::optional<uint64_t>>> sent = {
        { 0, 0xFEDCBA9876543210ull }, { 1, std::nullopt }, { 2, 0ull }, { 3, UINT64_MAX }
    };
    for (const auto& [seq, nonce] : sent) {
        const auto s = random_symbols(300 + 50 * seq, rng);
        add(tx.modulate(s.data(), s.size(), seq, 11, 0, nonce));
    }
    // CRC-correct headers this version does not accept: version 1, a reserved PHY flag.
    frame_header v1;
    v1.version = 1;
    v1.seq = 4;
    v1.num_symbols = 96;
    v1.payload_ofdm_symbols = 2;
    add(tx.modulate_with_header(v1, random_symbols(96, rng)));
    frame_header reserved = v1;
    reserved.version = frame_header::current_version;
    reserved.seq = 5;
    reserved.phy_flags = 0x80;
    add(tx.modulate_with_header(reserved, random_symbols(96, rng)));
    const auto s6 = random_symbols(200, rng);
    add(tx.modulate(s6.data(), s6.size(), 6, 11, 0, 42));
    stream.resize(stream.size() + 1000, 0.0f);
    stream = channel.apply(stream);

    std::vector<received_frame> out;
    rx.push(stream.data(), stream.size(), out);
    ASSERT_EQ(out.size(), sent.size() + 1);
    for (size_t i = 0; i < sent.size(); ++i) {
        EXPECT_EQ(out[i].header.seq, sent[i].first);
        EXPECT_EQ(out[i].header.has_nonce(), sent[i].second.has_value()) << "seq " << i;
        EXPECT_EQ(out[i].header.nonce, sent[i].second.value_or(0)) << "seq " << i;
        EXPECT_EQ(out[i].symbols.size(), 300u + 50u * i);
    }
    EXPECT_EQ(out.back().header.seq, 6u);
    EXPECT_TRUE(out.back().header.has_nonce());
    EXPECT_EQ(out.back().header.nonce, 42u);
    const auto& c = rx.counters();
    EXPECT_EQ(c.dropped_invalid, 2u); // version 1, reserved PHY flag
    EXPECT_EQ(c.header_crc_failed, 0u);
    expect_accounted(c);
}

TEST(Loopback, AnyInputScaleWithoutOverflowOrNan)
{
    // The receiver has no AGC and needs none: every estimate is scale-invariant, from weak
    // (1e-5) to strong (1e4) inputs. Absurd amplitudes (1e20) overflow float: such frames
    // are not detected or are dropped, never delivered with NaN/Inf.
    frame_params p;
    frame_transmitter tx(p);
    std::mt19937_64 rng(8);
    for (float scale : { 1e-5f, 1.0f, 1e4f, 1e20f }) {
        frame_receiver rx(p);
        const auto s = random_symbols(500, rng);
        std::vector<cf> stream(300, 0.0f);
        const auto b = tx.modulate(s.data(), s.size(), 1, 1);
        stream.insert(stream.end(), b.begin(), b.end());
        stream.resize(stream.size() + 300, 0.0f);
        stream = noisy(stream, 0.01f, rng);
        for (auto& v : stream)
            v *= scale;
        std::vector<received_frame> out;
        rx.push(stream.data(), stream.size(), out);
        for (const auto& f : out)
            for (const auto& v : f.symbols)
                ASSERT_TRUE(std::isfinite(v.real()) && std::isfinite(v.imag()));
        if (scale < 1e10f) {
            ASSERT_EQ(out.size(), 1u) << "scale " << scale;
            double e = 0.0, sig = 0.0;
            for (size_t i = 0; i < s.size(); ++i) {
                e += std::norm(out[0].symbols[i] - s[i]);
                sig += std::norm(s[i]);
            }
            EXPECT_LT(10.0 * std::log10(e / sig), -18.0) << "scale " << scale;
        } else {
            EXPECT_TRUE(out.empty());
        }
        expect_accounted(rx.counters());
    }
}

TEST(Loopback, ChunkingDoesNotChangeTheResult)
{
    frame_params p;
    frame_transmitter tx(p);
    std::mt19937_64 rng(7);
    std::vector<cf> stream(123, 0.0f);
    for (uint32_t i = 0; i < 3; ++i) {
        auto s = random_symbols(150 + 100 * i, rng);
        auto b = tx.modulate(s.data(), s.size(), i, 5);
        stream.insert(stream.end(), b.begin(), b.end());
        stream.insert(stream.end(), 50 * i, cf(0.0f));
    }
    stream.resize(stream.size() + 300, 0.0f);
    stream = noisy(stream, 0.05f, rng);

    frame_receiver whole(p), single(p);
    std::vector<received_frame> a, b;
    whole.push(stream.data(), stream.size(), a);
    for (const auto& v : stream)
        single.push(&v, 1, b);
    ASSERT_EQ(a.size(), 3u);
    ASSERT_EQ(b.size(), 3u);
    for (size_t i = 0; i < 3; ++i) {
        EXPECT_EQ(a[i].header, b[i].header);
        EXPECT_EQ(a[i].start_sample, b[i].start_sample);
        ASSERT_EQ(a[i].symbols.size(), b[i].symbols.size());
        for (size_t k = 0; k < a[i].symbols.size(); ++k)
            ASSERT_EQ(a[i].symbols[k], b[i].symbols[k]);
    }
}
