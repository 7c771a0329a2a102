/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
// Unit tests of the PHY's parts: parameters, synchroniser, CFO estimators, channel
// estimator and equaliser, header codec.

#include "phy_test_util.h"

#include <algorithm>
#include <gtest/gtest.h>
#include <numeric>
#include <semsteg/error.h>
#include <semsteg/phy/channel_estimator.h>
#include <semsteg/phy/equalizer.h>
#include <semsteg/phy/header_codec.h>
#include <semsteg/phy/sync.h>

using namespace semsteg::phy;
using semsteg::phy::testing::random_symbols;

namespace {

std::vector<cf> add_noise(std::vector<cf> x, float noise_var, std::mt19937_64& rng)
{
    std::normal_distribution<float> g(0.0f, std::sqrt(noise_var / 2.0f));
    for (auto& v : x)
        v += cf(g(rng), g(rng));
    return x;
}

std::vector<cf> rotate(std::vector<cf> x, double eps, int fft_len, double phase = 0.0)
{
    for (size_t n = 0; n < x.size(); ++n)
        x[n] *= std::polar(1.0f, static_cast<float>(2.0 * M_PI * eps * n / fft_len + phase));
    return x;
}

std::vector<cf> convolve(const std::vector<cf>& x, const std::vector<cf>& h)
{
    std::vector<cf> y(x.size(), 0.0f);
    for (size_t n = 0; n < x.size(); ++n)
        for (size_t k = 0; k < h.size() && k <= n; ++k)
            y[n] += h[k] * x[n - k];
    return y;
}

std::vector<cf> fft_of(const cf* x, int n)
{
    fft_engine f(n, true);
    std::copy(x, x + n, f.input());
    f.execute();
    return std::vector<cf>(f.output(), f.output() + n);
}

double nmse_db(const std::vector<cf>& est, const std::vector<cf>& ref)
{
    double e = 0.0, p = 0.0;
    for (size_t i = 0; i < ref.size(); ++i) {
        e += std::norm(est[i] - ref[i]);
        p += std::norm(ref[i]);
    }
    return 10.0 * std::log10(e / p);
}

// Frequency response of a sample-spaced FIR on every FFT bin.
std::vector<cf> response(const std::vector<cf>& taps, int n)
{
    std::vector<cf> h(n, 0.0f);
    for (int k = 0; k < n; ++k)
        for (size_t l = 0; l < taps.size(); ++l)
            h[k] += taps[l] * std::polar(1.0f, static_cast<float>(-2.0 * M_PI * k * l / n));
    return h;
}

const std::vector<cf> three_taps = { cf(0.8f, 0.1f), cf(0.0f, 0.45f), cf(-0.2f, 0.15f) };
// delays 0, 5, 11 (inside the 16-sample CP)
std::vector<cf> three_tap_fir()
{
    std::vector<cf> h(12, 0.0f);
    h[0] = three_taps[0];
    h[5] = three_taps[1];
    h[11] = three_taps[2];
    return h;
}

} // namespace

// ------------------------------------------------------------------ parameters

TEST(FrameParams, DefaultsAre64Cp16With48DataAnd4Pilots)
{
    frame_params p;
    EXPECT_NO_THROW(p.validate());
    EXPECT_EQ(p.fft_len, 64);
    EXPECT_EQ(p.cp_len, 16);
    EXPECT_EQ(p.num_data(), 48);
    EXPECT_EQ(p.num_pilots(), 4);
    EXPECT_EQ(p.occupied_carriers().size(), 52u);
    EXPECT_EQ(p.payload_ofdm_symbols(48), 1u);
    EXPECT_EQ(p.payload_ofdm_symbols(49), 2u);
    // Version-2 header: 29 bytes, 476 coded bits, sent twice on 48 carriers: 20 symbols.
    EXPECT_EQ(header_codec::header_bytes, 29);
    EXPECT_EQ(header_codec::coded_bits, 476);
    EXPECT_EQ(p.header_ofdm_symbols(),
              (header_codec::coded_bits * p.header_repetition + p.num_data() - 1)
                  / p.num_data());
    EXPECT_EQ(p.header_ofdm_symbols(), 20);
}

TEST(FrameParams, RejectsInconsistentParameters)
{
    frame_params p;
    p.cp_len = 64;
    EXPECT_THROW(p.validate(), semsteg::error);
    p = frame_params();
    p.pilot_values.pop_back();
    EXPECT_THROW(p.validate(), semsteg::error);
    p = frame_params();
    p.data_carriers.push_back(7); // already a pilot
    EXPECT_THROW(p.validate(), semsteg::error);
    p = frame_params();
    p.data_carriers.push_back(0); // DC
    EXPECT_THROW(p.validate(), semsteg::error);
    p = frame_params();
    p.max_latent_symbols = 48u * 70000u;
    EXPECT_THROW(p.validate(), semsteg::error);
}

TEST(FrameParams, FromLayoutFillsTheDefaultLayoutOnlyAtTheDefaultFftLength)
{
    const auto d = frame_params::from_layout(64, 16, {}, {}, {}, header_modulation::bpsk, 2);
    const frame_params defaults;
    EXPECT_EQ(d.data_carriers, defaults.data_carriers);
    EXPECT_EQ(d.pilot_carriers, defaults.pilot_carriers);
    EXPECT_EQ(d.pilot_values, defaults.pilot_values);
    // Own pilots without values: all 1.
    const auto own
        = frame_params::from_layout(64, 8, {}, { -21, 21 }, {}, header_modulation::qpsk, 1);
    EXPECT_EQ(own.pilot_values, std::vector<cf>(2, cf(1.0f, 0.0f)));
    EXPECT_EQ(own.header_mod, header_modulation::qpsk);
    EXPECT_EQ(own.cp_len, 8);
    // The default layout does not exist at 128: the carriers must be given.
    const auto msg = [](auto&& fn) {
        try {
            fn();
        } catch (const semsteg::error& e) {
            return std::string(e.what());
        }
        return std::string();
    };
    EXPECT_NE(msg([] {
                  frame_params::from_layout(128, 32, {}, {}, {}, header_modulation::bpsk, 2);
              }).find("give the data and the pilot carriers"),
              std::string::npos);
    EXPECT_NE(msg([] {
                  frame_params::from_layout(100, 16, {}, {}, {}, header_modulation::bpsk, 2);
              }).find("power of two"),
              std::string::npos);
    std::vector<int> wide;
    for (int k = -50; k <= 50; ++k)
        if (k != 0 && k % 12 != 0)
            wide.push_back(k);
    const auto w = frame_params::from_layout(
        128, 32, wide, { -48, -24, 24, 48 }, {}, header_modulation::bpsk, 2);
    EXPECT_EQ(w.num_data(), static_cast<int>(wide.size()));
    EXPECT_EQ(w.symbol_len(), 160);
}

TEST(FrameParams, TransmitterRejectsEmptyAndOversizedLatents)
{
    frame_transmitter tx;
    std::vector<cf> s(10);
    EXPECT_THROW(tx.modulate(s.data(), 0, 0, 0), semsteg::error);
    EXPECT_THROW(tx.modulate(s.data(), (1u << 16) + 1, 0, 0), semsteg::error);
}

TEST(FrameParams, BurstLayoutAndPower)
{
    frame_params p;
    frame_transmitter tx(p);
    std::mt19937_64 rng(3);
    auto s = random_symbols(100, rng);
    auto burst = tx.modulate(s.data(), s.size(), 1, 2);
    ASSERT_EQ(burst.size(), p.burst_samples(100));
    const int header_end = frame_params::preamble_symbols + p.header_ofdm_symbols();
    ASSERT_EQ(burst.size(), static_cast<size_t>((header_end + 3) * 80));
    // SC body: two identical halves; every symbol starts with its cyclic prefix.
    for (int m = 0; m < 32; ++m)
        EXPECT_NEAR(std::abs(burst[16 + m] - burst[16 + 32 + m]), 0.0f, 1e-5f);
    for (size_t sym = 0; sym < burst.size() / 80; ++sym)
        for (int m = 0; m < 16; ++m)
            EXPECT_NEAR(
                std::abs(burst[sym * 80 + m] - burst[sym * 80 + 64 + m]), 0.0f, 1e-5f);
    // Preamble + header symbol bodies (Parseval, unitary IFFT): 52 unit carriers of 64.
    for (size_t sym = 0; sym < static_cast<size_t>(header_end); ++sym) {
        double e = 0.0;
        for (size_t i = 16; i < 80; ++i)
            e += std::norm(burst[sym * 80 + i]);
        EXPECT_NEAR(e / 64.0, 52.0 / 64.0, 1e-4) << "symbol " << sym;
    }
}

TEST(Impairments, AppliesDelayCfoPhaseAndNoise)
{
    impairment_config ic;
    ic.cfo = 0.5; // subcarriers: 0.5/64 cycles per sample
    ic.phase = 0.3;
    ic.taps = { 0.0f, 0.0f, cf(0.0f, 1.0f) }; // 2 samples, ×j
    impairments ch(ic, 1);
    std::vector<cf> x(200, 0.0f);
    x[50] = 1.0f;
    // Split in two calls: the channel state must carry over.
    auto a = ch.apply(std::vector<cf>(x.begin(), x.begin() + 60));
    auto b = ch.apply(std::vector<cf>(x.begin() + 60, x.end()));
    a.insert(a.end(), b.begin(), b.end());
    // Impulse at 50 + 2 (taps) + 16 (interpolator group delay) = 68.
    const size_t peak
        = std::max_element(
              a.begin(), a.end(), [](cf p, cf q) { return std::norm(p) < std::norm(q); })
        - a.begin();
    ASSERT_EQ(peak, 68u);
    const double expected = 0.3 + M_PI / 2 + 2.0 * M_PI * 0.5 * 68 / 64;
    EXPECT_NEAR(std::remainder(std::arg(a[68]) - expected, 2 * M_PI), 0.0, 1e-4);
    EXPECT_NEAR(std::abs(a[68]), 1.0, 1e-5);

    impairment_config noisy;
    noisy.noise_var = 0.5f;
    impairments nch(noisy, 2);
    const auto n = nch.apply(std::vector<cf>(100000, 0.0f));
    double p = 0.0;
    for (auto v : n)
        p += std::norm(v);
    EXPECT_NEAR(p / n.size(), 0.5, 0.01);
    EXPECT_THROW(impairments(impairment_config { 0.0f, 0.0, 64, {}, 0.0, 0.0 }, 1),
                 semsteg::error);
}

// ------------------------------------------------------------------ synchroniser

TEST(Impairments, FromTheChannelSpecification)
{
    semsteg::channel_config ch;
    ch.snr_db = 7.0;
    ch.cfo_subcarriers = 0.5;
    ch.taps = { 3.0f, cf(0.0f, 4.0f) };
    ch.timing_offset = 0.25;
    frame_params p;
    const auto ic = impairments_for(ch, p, 0.3);
    EXPECT_NEAR(ic.noise_var, std::pow(10.0, -0.7), 1e-7);
    EXPECT_EQ(ic.cfo, 0.5);
    EXPECT_EQ(ic.fft_len, 64);
    EXPECT_FLOAT_EQ(ic.taps[0].real(), 0.6f);
    EXPECT_FLOAT_EQ(ic.taps[1].imag(), 0.8f);
    EXPECT_EQ(ic.timing_offset, 0.25);
    EXPECT_EQ(ic.phase, 0.3);
    semsteg::channel_config none;
    none.type = semsteg::channel_config::kind::none;
    EXPECT_EQ(impairments_for(none, p).noise_var, 0.0f);
    // What a sample stream cannot carry is refused.
    auto fading = ch;
    fading.type = semsteg::channel_config::kind::rayleigh;
    EXPECT_THROW(impairments_for(fading, p), semsteg::error);
    auto range = ch;
    range.snr_max_db = 20.0;
    EXPECT_THROW(impairments_for(range, p), semsteg::error);
    auto clock = ch;
    clock.clock_ratio = 1.001;
    EXPECT_THROW(impairments_for(clock, p), semsteg::error);
}

TEST(Sync, MetricHasPlateauOnScSymbolAndStaysLowOnNoise)
{
    frame_params p;
    frame_transmitter tx(p);
    std::mt19937_64 rng(5);
    auto s = random_symbols(480, rng);
    std::vector<cf> x(500, 0.0f);
    auto burst = tx.modulate(s.data(), s.size(), 0, 0);
    x.insert(x.end(), burst.begin(), burst.end());
    x = add_noise(x, 0.05f, rng); // 13 dB
    sc_metric metric(32);
    const size_t pts = x.size() - 63;
    std::vector<float> m(pts);
    metric.compute(x.data(), pts, m.data());
    // Plateau: d from burst start (its CP) to the SC body start = 500 .. 516.
    for (size_t d = 502; d <= 514; ++d)
        EXPECT_GT(m[d], 0.7f) << "d=" << d;
    const size_t peak = std::max_element(m.begin(), m.end()) - m.begin();
    EXPECT_GE(peak, 497u);
    EXPECT_LE(peak, 519u);
    // Noise before the burst and the LTFs/header after it: far below the threshold.
    float noise_max = 0.0f;
    for (size_t d = 0; d < 430; ++d)
        noise_max = std::max(noise_max, m[d]);
    EXPECT_LT(noise_max, 0.4f);
    float after_max = 0.0f;
    for (size_t d = 500 + 80 + 16; d < pts; ++d)
        after_max = std::max(after_max, m[d]);
    EXPECT_LT(after_max, 0.4f);
    // find_first_above agrees with compute.
    const size_t first = metric.find_first_above(x.data(), pts, 0.4f);
    ASSERT_LT(first, pts);
    EXPECT_GT(m[first], 0.4f);
    for (size_t d = 0; d < first; ++d)
        ASSERT_LE(m[d], 0.4f);
}

TEST(Sync, MetricIsSafeOnZeros)
{
    sc_metric metric(32);
    std::vector<cf> z(1000, 0.0f);
    EXPECT_EQ(metric.find_first_above(z.data(), 900, 0.4f), 900u);
}

TEST(Sync, ReceiverTimingLandsOnTheFirstPath)
{
    // Burst at a known position, flat channel, with and without a fractional offset:
    // start_sample (first path of LTF1) within a sample of the truth.
    frame_params p;
    frame_transmitter tx(p);
    std::mt19937_64 rng(9);
    for (int offset : { 0, 37, 301 }) {
        frame_receiver rx(p);
        auto s = random_symbols(300, rng);
        std::vector<cf> x(static_cast<size_t>(200 + offset), 0.0f);
        auto burst = tx.modulate(s.data(), s.size(), 1, 1);
        x.insert(x.end(), burst.begin(), burst.end());
        x.resize(x.size() + 500, 0.0f);
        x = add_noise(x, 0.1f, rng);
        std::vector<received_frame> out;
        rx.push(x.data(), x.size(), out);
        ASSERT_EQ(out.size(), 1u);
        const uint64_t truth = static_cast<uint64_t>(200 + offset + 80 + 16);
        EXPECT_NEAR(
            static_cast<double>(out[0].start_sample), static_cast<double>(truth), 1.0);
    }
}

// ------------------------------------------------------------------ CFO

TEST(Cfo, FractionalEstimateFromThePlateau)
{
    frame_params p;
    frame_transmitter tx(p);
    std::mt19937_64 rng(11);
    auto s = random_symbols(48, rng);
    const auto burst = tx.modulate(s.data(), s.size(), 0, 0);
    sc_metric metric(32);
    for (double eps : { -0.9, -0.45, 0.0, 0.3, 0.77 }) {
        auto x = add_noise(rotate(burst, eps, 64, 1.0), 0.1f, rng);
        std::vector<float> m(17);
        std::vector<cf> pv(17);
        metric.compute(x.data(), 17, m.data(), pv.data()); // d = 0..16: the plateau
        const cf psum = std::accumulate(pv.begin(), pv.end(), cf(0.0f));
        EXPECT_NEAR(fractional_cfo_from_p(psum), eps, 0.03) << "eps=" << eps;
    }
}

TEST(Cfo, IntegerEstimateResolvesEvenShifts)
{
    frame_params p;
    frame_transmitter tx(p);
    integer_cfo_estimator est(p, 3);
    std::mt19937_64 rng(12);
    auto s = random_symbols(48, rng);
    const auto burst = convolve(tx.modulate(s.data(), s.size(), 0, 0), three_tap_fir());
    for (int shift : { -4, -2, 0, 2, 4 }) {
        // An integer shift of `shift` bins, random phase, noise; windows mid-CP.
        auto x = add_noise(rotate(burst, shift, 64, 2.0), 0.3f, rng);
        const auto sc_bins = fft_of(x.data() + 8, 64);
        const auto ltf_bins = fft_of(x.data() + 8 + 80, 64);
        float metric = 0.0f;
        EXPECT_EQ(est.estimate(sc_bins.data(), ltf_bins.data(), &metric), shift);
        EXPECT_GT(metric, 0.3f);
    }
    // Noise only: low metric.
    std::vector<cf> noise = add_noise(std::vector<cf>(200, 0.0f), 1.0f, rng);
    const auto a = fft_of(noise.data(), 64), b = fft_of(noise.data() + 80, 64);
    float metric = 1.0f;
    est.estimate(a.data(), b.data(), &metric);
    EXPECT_LT(metric, 0.2f);
}

TEST(Cfo, ReceiverEstimatesTotalCfoOverPlusMinusTwoSubcarriers)
{
    for (double eps : { -2.0, -1.6, -1.0, -0.35, 0.0, 0.5, 1.0, 1.3, 1.95, 2.0 }) {
        semsteg::phy::testing::link_config cfg;
        cfg.frames = 4;
        cfg.min_symbols = cfg.max_symbols = 480;
        cfg.channel.cfo_subcarriers = eps;
        cfg.channel.snr_db = 10.0;
        cfg.phase = 0.7;
        cfg.seed = 100 + static_cast<uint64_t>(10 * (eps + 3));
        const auto r = semsteg::phy::testing::run_link(cfg);
        ASSERT_EQ(r.delivered, cfg.frames) << "eps=" << eps;
        EXPECT_NEAR(r.cfo_est_sum / r.delivered, eps, 0.01) << "eps=" << eps;
        EXPECT_GT(r.effective_snr_db(), 9.0) << "eps=" << eps;
    }
}

// ------------------------------------------------------------------ channel estimator

namespace {

struct ltf_pair {
    std::vector<cf> y1, y2;
};

ltf_pair received_ltfs(const std::vector<cf>& fir, float noise_var, std::mt19937_64& rng)
{
    frame_params p;
    frame_transmitter tx(p);
    auto s = random_symbols(48, rng);
    auto x = add_noise(convolve(tx.modulate(s.data(), s.size(), 0, 0), fir), noise_var, rng);
    // Useful parts at exact timing: LTF1 body at 80 + 16, LTF2 at 160 + 16.
    return { fft_of(x.data() + 96, 64), fft_of(x.data() + 176, 64) };
}

} // namespace

TEST(Channel, ThreeTapMultipathInsideCpNoiseless)
{
    frame_params p;
    std::mt19937_64 rng(21);
    const auto fir = three_tap_fir();
    const auto truth = response(fir, 64);
    const auto ltfs = received_ltfs(fir, 0.0f, rng);
    for (bool smooth : { false, true }) {
        channel_estimator ce(p, smooth);
        const auto est = ce.estimate(ltfs.y1.data(), ltfs.y2.data());
        std::vector<cf> e, t;
        for (int c : p.occupied_carriers()) {
            e.push_back(est.h[p.bin(c)]);
            t.push_back(truth[p.bin(c)]);
        }
        EXPECT_LT(nmse_db(e, t), -40.0) << "smooth=" << smooth;
        EXPECT_LT(est.noise_var, 1e-6f);
    }
}

TEST(Channel, SmoothingRemovesMostOfTheLsNoise)
{
    frame_params p;
    channel_estimator ls(p, false), smooth(p, true);
    std::mt19937_64 rng(22);
    const auto fir = three_tap_fir();
    const auto truth = response(fir, 64);
    double err_ls = 0.0, err_sm = 0.0, noise_est = 0.0;
    const int trials = 200;
    const float noise_var = 0.1f; // 10 dB
    for (int i = 0; i < trials; ++i) {
        const auto ltfs = received_ltfs(fir, noise_var, rng);
        const auto a = ls.estimate(ltfs.y1.data(), ltfs.y2.data());
        const auto b = smooth.estimate(ltfs.y1.data(), ltfs.y2.data());
        for (int c : p.occupied_carriers()) {
            err_ls += std::norm(a.h[p.bin(c)] - truth[p.bin(c)]);
            err_sm += std::norm(b.h[p.bin(c)] - truth[p.bin(c)]);
        }
        noise_est += a.noise_var;
    }
    err_ls /= trials * 52.0;
    err_sm /= trials * 52.0;
    // LS of two averaged LTFs: σ²/2. The delay-domain fit keeps ≈ taps/52 of it.
    EXPECT_NEAR(err_ls, noise_var / 2.0, 0.1 * noise_var / 2.0);
    EXPECT_LT(err_sm, err_ls / 4.0);
    EXPECT_NEAR(noise_est / trials, noise_var, 0.05 * noise_var);
}

TEST(Channel, EqualiserUndoesChannelAndTracksPilotPhase)
{
    frame_params p;
    std::mt19937_64 rng(23);
    const auto truth = response(three_tap_fir(), 64);
    symbol_equalizer eq(p);
    eq.set_channel(truth);
    std::vector<int> data_bins, pilot_bins;
    for (int c : p.data_carriers)
        data_bins.push_back(p.bin(c));
    for (int c : p.pilot_carriers)
        pilot_bins.push_back(p.bin(c));
    for (size_t sym = 0; sym < 10; ++sym) {
        const auto data = random_symbols(48, rng);
        const float theta = 0.3f * static_cast<float>(sym) - 1.0f; // residual CFO ramp
        std::vector<cf> bins(64, 0.0f);
        for (size_t i = 0; i < 48; ++i)
            bins[data_bins[i]] = data[i] * truth[data_bins[i]] * std::polar(1.0f, theta);
        for (size_t i = 0; i < 4; ++i)
            bins[pilot_bins[i]] = p.pilot_values[i] * p.pilot_polarity(sym)
                * truth[pilot_bins[i]] * std::polar(1.0f, theta);
        std::vector<cf> out(48);
        const auto t = eq.equalize(bins.data(), sym, out.data());
        EXPECT_NEAR(std::remainder(t.phase - theta, 2.0 * M_PI), 0.0, 1e-4);
        EXPECT_LT(nmse_db(out, data), -60.0);
    }
    // A channel estimated as zero gives zeros, never Inf/NaN.
    eq.set_channel(std::vector<cf>(64, 0.0f));
    std::vector<cf> bins(64, cf(1.0f, 1.0f)), out(48);
    eq.equalize(bins.data(), 0, out.data());
    for (auto v : out)
        EXPECT_TRUE(std::isfinite(v.real()) && std::isfinite(v.imag()));
}

// ------------------------------------------------------------------ header codec

TEST(Header, PackUnpackRoundTrip)
{
    frame_header h;
    h.flags = 0xa5;
    h.payload_ofdm_symbols = 1234;
    h.seq = 0xdeadbeef;
    h.image_id = 77;
    h.num_symbols = 59000;
    frame_header g;
    ASSERT_TRUE(header_codec::unpack(header_codec::pack(h), g));
    EXPECT_EQ(g, h);
}

TEST(Header, CrcDetectsEverySingleAndDoubleBitError)
{
    frame_header h;
    h.seq = 5;
    h.num_symbols = 1000;
    h.payload_ofdm_symbols = 21;
    const auto good = header_codec::pack(h);
    for (int i = 0; i < header_codec::header_bits; ++i) {
        auto b = good;
        b[i / 8] ^= static_cast<uint8_t>(1u << (i % 8));
        frame_header g;
        EXPECT_FALSE(header_codec::unpack(b, g)) << "bit " << i;
        for (int j = i + 1; j < header_codec::header_bits; j += 7) {
            auto b2 = b;
            b2[j / 8] ^= static_cast<uint8_t>(1u << (j % 8));
            EXPECT_FALSE(header_codec::unpack(b2, g)) << "bits " << i << "," << j;
        }
    }
}

TEST(Header, SoftDecodeBpskAndQpskWithNoise)
{
    std::mt19937_64 rng(31);
    for (auto mod : { header_modulation::bpsk, header_modulation::qpsk }) {
        frame_params p;
        p.header_mod = mod;
        header_codec codec(p);
        EXPECT_EQ(codec.num_slots(), static_cast<size_t>(p.header_ofdm_symbols() * 48));
        EXPECT_GE(codec.num_slots() * codec.bits_per_slot(),
                  static_cast<size_t>(header_codec::coded_bits * p.header_repetition));
        for (uint32_t seq = 0; seq < 50; ++seq) {
            frame_header h;
            h.seq = seq * 2654435761u;
            h.image_id = seq;
            h.num_symbols = 1 + seq * 100;
            h.payload_ofdm_symbols
                = static_cast<uint16_t>(p.payload_ofdm_symbols(h.num_symbols));
            // 0 dB per slot: the code and the two copies carry it.
            const auto soft = add_noise(codec.encode(h), 1.0f, rng);
            frame_header g;
            ASSERT_TRUE(codec.decode(soft.data(), soft.size(), g));
            EXPECT_EQ(g, h);
        }
    }
}

TEST(Header, ViterbiCorrectsScatteredErrors)
{
    std::mt19937_64 rng(33);
    frame_header h;
    h.seq = 0x12345678;
    h.num_symbols = 777;
    const auto bytes = header_codec::pack(h);
    const auto coded = header_codec::conv_encode(bytes);
    std::uniform_int_distribution<int> pos(0, header_codec::coded_bits - 1);
    for (int trial = 0; trial < 50; ++trial) {
        std::array<float, header_codec::coded_bits> soft {};
        for (int c = 0; c < header_codec::coded_bits; ++c)
            soft[c] = coded[c] ? -1.0f : 1.0f;
        for (int e = 0; e < 4; ++e) { // 4 hard errors, far below what d_free = 10 allows
            const int c = pos(rng);
            soft[c] = -soft[c];
        }
        std::array<uint8_t, header_codec::header_bytes> out {};
        ASSERT_TRUE(header_codec::conv_decode(soft, out));
        EXPECT_EQ(out, bytes);
    }
}

TEST(Header, CorruptedHeadersFailTheCrc)
{
    frame_params p;
    header_codec codec(p);
    frame_header h;
    h.seq = 9;
    h.num_symbols = 100;
    h.payload_ofdm_symbols = 3;
    frame_header g;
    ASSERT_TRUE(codec.decode(codec.encode(h).data(), codec.num_slots(), g));
    // A field bit flipped after the CRC was computed: decodes cleanly, fails the CRC.
    for (int bit : { 0, 37, 100, 127, 130, 159 }) {
        auto bytes = header_codec::pack(h);
        bytes[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
        const auto soft = codec.encode_bytes(bytes);
        EXPECT_FALSE(codec.decode(soft.data(), soft.size(), g)) << "bit " << bit;
    }
    // Half of the slots inverted: too much for the code, caught by the CRC.
    auto soft = codec.encode(h);
    for (size_t j = 0; j < soft.size(); j += 2)
        soft[j] = -soft[j];
    EXPECT_FALSE(codec.decode(soft.data(), soft.size(), g));
    EXPECT_FALSE(codec.decode(soft.data(), soft.size() - 1, g)); // too short
    std::vector<cf> zeros(soft.size(), 0.0f);
    EXPECT_FALSE(codec.decode(zeros.data(), zeros.size(), g));
}

TEST(Header, ValidityRejectsAbsurdFields)
{
    frame_params p;
    frame_header h;
    h.num_symbols = 1000;
    h.payload_ofdm_symbols = static_cast<uint16_t>(p.payload_ofdm_symbols(1000));
    EXPECT_TRUE(header_is_valid(p, h));
    auto bad = h;
    bad.num_symbols = 0;
    EXPECT_FALSE(header_is_valid(p, bad));
    bad = h;
    bad.num_symbols = p.max_latent_symbols + 1;
    bad.payload_ofdm_symbols = static_cast<uint16_t>(p.payload_ofdm_symbols(bad.num_symbols));
    EXPECT_FALSE(header_is_valid(p, bad));
    bad = h;
    bad.payload_ofdm_symbols += 1;
    EXPECT_FALSE(header_is_valid(p, bad));
    // Only the current version (2): version 1 (no nonce) and unknown versions are rejected.
    for (uint8_t v : { 0, 1, 3, 255 }) {
        bad = h;
        bad.version = v;
        EXPECT_FALSE(header_is_valid(p, bad)) << "version " << int(v);
    }
}

// ------------------------------------------------------------------ nonce (header v2)

namespace {

const uint64_t test_nonces[] = { 0xFEDCBA9876543210ull, 0ull, UINT64_MAX };

frame_header header_with_nonce(const frame_params& p, uint64_t nonce)
{
    frame_header h;
    h.flags = 0x5a;
    h.seq = 0x01020304;
    h.image_id = 99;
    h.num_symbols = 1000;
    h.payload_ofdm_symbols = static_cast<uint16_t>(p.payload_ofdm_symbols(h.num_symbols));
    h.set_nonce(nonce);
    return h;
}

} // namespace

TEST(HeaderNonce, RoundTripsThroughPackAndTheCode)
{
    frame_params p;
    header_codec codec(p);
    std::mt19937_64 rng(41);
    for (uint64_t nonce : test_nonces) {
        const frame_header h = header_with_nonce(p, nonce);
        ASSERT_TRUE(h.has_nonce());
        EXPECT_TRUE(header_is_valid(p, h));
        const auto bytes = header_codec::pack(h);
        // Little-endian at its offset, covered by the CRC (crc_offset is after it).
        for (int i = 0; i < 8; ++i)
            EXPECT_EQ(bytes[header_codec::off_nonce + i],
                      static_cast<uint8_t>(nonce >> (8 * i)));
        EXPECT_EQ(bytes[header_codec::off_phy_flags], phy_flag_nonce);
        EXPECT_EQ(bytes[header_codec::off_flags], 0x5a); // the application's flags untouched
        EXPECT_GE(header_codec::crc_offset, header_codec::off_nonce + 8);
        frame_header g;
        ASSERT_TRUE(header_codec::unpack(bytes, g));
        EXPECT_EQ(g, h);
        EXPECT_EQ(g.nonce, nonce);
        // Coded, BPSK with noise, soft Viterbi.
        const auto soft = add_noise(codec.encode(h), 0.5f, rng);
        frame_header d;
        ASSERT_TRUE(codec.decode(soft.data(), soft.size(), d)) << std::hex << nonce;
        EXPECT_EQ(d, h);
        EXPECT_TRUE(d.has_nonce());
        EXPECT_EQ(d.nonce, nonce);
    }
    // Without a nonce: flag clear and 0 on the air, and it stays so.
    frame_header h = header_with_nonce(p, 0);
    h.phy_flags = 0;
    h.flags = 0xff; // every application flag set: still no nonce
    frame_header g;
    ASSERT_TRUE(header_codec::unpack(header_codec::pack(h), g));
    EXPECT_FALSE(g.has_nonce());
    EXPECT_EQ(g.nonce, 0u);
    EXPECT_EQ(g, h);
    EXPECT_TRUE(header_is_valid(p, g));
    // A nonce with and a zero nonce without the flag are different headers.
    EXPECT_FALSE(header_with_nonce(p, 0) == h);
}

TEST(HeaderNonce, FlippedNonceOrPhyFlagBitFailsTheCrc)
{
    frame_params p;
    header_codec codec(p);
    for (uint64_t nonce : test_nonces) {
        const auto good = header_codec::pack(header_with_nonce(p, nonce));
        for (int bit = header_codec::off_phy_flags * 8; bit < header_codec::crc_offset * 8;
             ++bit) {
            auto b = good;
            b[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
            frame_header g;
            EXPECT_FALSE(header_codec::unpack(b, g)) << "bit " << bit;
            // Through the code too: decodes cleanly, then fails the CRC.
            const auto soft = codec.encode_bytes(b);
            EXPECT_FALSE(codec.decode(soft.data(), soft.size(), g)) << "bit " << bit;
        }
    }
}

TEST(HeaderNonce, ValidityOfPhyFlagsAndNonce)
{
    frame_params p;
    const frame_header h = header_with_nonce(p, 7);
    EXPECT_TRUE(header_is_valid(p, h));
    auto bad = h;
    bad.phy_flags |= 0x02; // reserved
    EXPECT_FALSE(header_is_valid(p, bad));
    bad = h;
    bad.phy_flags = 0; // a nonce without its flag
    EXPECT_FALSE(header_is_valid(p, bad));
    bad.nonce = 0;
    EXPECT_TRUE(header_is_valid(p, bad));
    // Such headers still unpack exactly as sent (the receiver re-encodes what it decoded).
    frame_header reserved = h;
    reserved.phy_flags = 0xfe;
    frame_header g;
    ASSERT_TRUE(header_codec::unpack(header_codec::pack(reserved), g));
    EXPECT_EQ(g, reserved);
}

TEST(HeaderNonce, TransmitterPutsTheNonceInTheHeader)
{
    frame_params p;
    frame_transmitter tx(p);
    header_codec codec(p);
    std::mt19937_64 rng(43);
    const auto s = random_symbols(100, rng);
    const size_t hdr_start = frame_params::preamble_symbols * 80;
    // The header symbols of a burst built with modulate(..., nonce) are those of the header
    // with set_nonce(); without, those of a header with no nonce.
    for (bool with : { true, false }) {
        frame_header h;
        h.seq = 3;
        h.image_id = 4;
        h.flags = 1;
        h.num_symbols = 100;
        h.payload_ofdm_symbols = static_cast<uint16_t>(p.payload_ofdm_symbols(100));
        if (with)
            h.set_nonce(0xFEDCBA9876543210ull);
        const auto burst = with
            ? tx.modulate(s.data(), s.size(), 3, 4, 1, 0xFEDCBA9876543210ull)
            : tx.modulate(s.data(), s.size(), 3, 4, 1);
        const auto ref = tx.modulate_with_header(h, s);
        ASSERT_EQ(burst.size(), ref.size());
        for (size_t i = hdr_start; i < burst.size(); ++i)
            ASSERT_EQ(burst[i], ref[i]) << "sample " << i;
    }
}
