/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <semsteg/error.h>
#include <semsteg/experiment_run.h>
#include <semsteg/latent_symbols.h>
#include <semsteg/metrics.h>
#include <semsteg/nn.h>
#include <semsteg/secure_link.h>
#include <semsteg/semantic.h>
#include <semsteg/stego_key.h>
#include <semsteg/threads.h>

#include "test_util.h"

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;
using namespace semsteg;

namespace {

fs::path temp_path(const std::string& name) { return test::temp_path("test_nn", name); }
using test::error_of;

// Random (not trained) sub-networks, so the INN is far from the identity.
void randomise(torch::nn::Module& m, double std, uint64_t seed)
{
    torch::manual_seed(seed);
    torch::NoGradGuard ng;
    for (auto& p : m.parameters())
        p.copy_(torch::randn_like(p) * std);
}

//! Embeds (z_h, z_p) and checks that the embedding really changed the host latent (so the
//! test could fail) and that inverting with l̂ = l restores both latents.
inn_output
expect_embedding_inverts(inn_impl& net, const torch::Tensor& zh, const torch::Tensor& zp)
{
    auto out = net.embed(zh, zp);
    EXPECT_GT((out.container - zh).abs().max().item<double>(), 0.1);
    auto rec = net.extract(out.container, out.lost);
    EXPECT_LT((rec.host - zh).abs().max().item<double>(), 1e-4);
    EXPECT_LT((rec.secret - zp).abs().max().item<double>(), 1e-4);
    return out;
}

jscc_config small_codec() { return jscc_config { 32, 1.0 / 12, 32, 32 }; }

// A random plain codec and its SNR-adaptive extension, moved off the identity so that the
// SNR changes what it does.
std::pair<jscc_codec, jscc_codec> random_codec_pair(uint64_t seed)
{
    jscc_codec plain(small_codec());
    randomise(*plain, 0.1, seed);
    auto adaptive = with_snr_adaptation(plain);
    torch::NoGradGuard ng;
    for (auto& p : adaptive->named_parameters())
        if (p.key().find("attention") != std::string::npos)
            p.value().copy_(torch::randn_like(p.value()) * 0.5);
    return { plain, adaptive };
}

} // namespace

TEST(Threads, SettingIsApplied)
{
    EXPECT_EQ(set_torch_threads(1), 1);
    EXPECT_GE(set_torch_threads(0), 1);
    EXPECT_EQ(torch::get_num_threads(), set_torch_threads(0));
}

TEST(LatentSymbols, PairingIsConsecutiveRealsAsIQ)
{
    const std::vector<float> reals { 1, 2, 3, 4, 5, 6 };
    const auto s = latent_to_symbols(reals.data(), reals.size());
    ASSERT_EQ(s.size(), 3u);
    EXPECT_EQ(s[1], std::complex<float>(3, 4));
    EXPECT_EQ(symbols_to_latent(s.data(), s.size()), reals);
    EXPECT_THROW(latent_to_symbols(reals.data(), 5), error);

    // The tensor view agrees with the plain function, and inverts exactly.
    auto z = torch::randn({ 2, 8, 4, 4 });
    auto c = latent_to_complex(z);
    ASSERT_EQ(c.size(1), 64);
    const float* zp = z[1].contiguous().data_ptr<float>();
    const auto plain = latent_to_symbols(zp, 128);
    auto c1 = c[1].contiguous();
    for (int j = 0; j < 64; ++j)
        EXPECT_EQ(c1[j].item<c10::complex<float>>(),
                  c10::complex<float>(plain[j].real(), plain[j].imag()));
    EXPECT_TRUE(torch::equal(complex_to_latent(c, z), z));
}

TEST(Codec, LatentShapeFollowsTheBandwidthRatio)
{
    jscc_config cfg;
    EXPECT_EQ(cfg.latent_channels(), 8); // 1/12 at 64×64: 8×16×16 reals = 1,024 symbols
    cfg.bcr = 1.0 / 6;
    EXPECT_EQ(cfg.latent_channels(), 16);
    cfg.bcr = 1.0 / 7;
    EXPECT_THROW(cfg.latent_channels(), error);

    jscc_codec codec(small_codec());
    codec->eval();
    torch::NoGradGuard ng;
    auto z = codec->encode(torch::rand({ 3, 3, 64, 64 }));
    EXPECT_EQ(z.sizes(), torch::IntArrayRef({ 3, 8, 16, 16 }));
    EXPECT_EQ(latent_to_complex(z).size(1), 1024);
    // Fully convolutional: another multiple of 4 works too.
    EXPECT_EQ(codec->decode(codec->encode(torch::rand({ 1, 3, 40, 24 }))).sizes(),
              torch::IntArrayRef({ 1, 3, 40, 24 }));
    EXPECT_THROW(codec->encode(torch::rand({ 1, 3, 30, 32 })), error);
    EXPECT_THROW(codec->decode(torch::rand({ 1, 6, 16, 16 })), error);
    auto x = codec->decode(z);
    EXPECT_GE(x.min().item<float>(), 0.0f);
    EXPECT_LE(x.max().item<float>(), 1.0f);
}

TEST(Codec, PowerNormalisationGivesUnitSymbolPowerPerImage)
{
    jscc_codec codec(small_codec());
    randomise(*codec, 0.3, 3);
    torch::NoGradGuard ng;
    auto z = codec->encode(torch::rand({ 5, 3, 64, 64 })
                           * torch::arange(1, 6).view({ 5, 1, 1, 1 }));
    auto power = latent_to_complex(z).abs().pow(2).mean(1);
    for (int i = 0; i < 5; ++i)
        EXPECT_NEAR(power[i].item<double>(), 1.0, 1e-5);

    std::vector<float> reals { 3, 4, 0, 0 };
    normalize_power(reals.data(), reals.size());
    EXPECT_NEAR((reals[0] * reals[0] + reals[1] * reals[1]) / 2.0, 1.0, 1e-6);
}

// An SNR-adaptive codec extended from a plain one starts as that codec (the attention
// modules are the identity), needs the SNR, and its output does depend on it once trained.
TEST(Codec, SnrAdaptiveExtensionStartsAsThePlainCodec)
{
    jscc_codec plain(small_codec());
    randomise(*plain, 0.2, 5);
    auto adaptive = with_snr_adaptation(plain);
    ASSERT_TRUE(adaptive->snr_adaptive());
    EXPECT_FALSE(plain->snr_adaptive());
    EXPECT_THROW(with_snr_adaptation(adaptive), error);
    EXPECT_GT(adaptive->parameters().size(), plain->parameters().size());
    EXPECT_TRUE(jscc_config::from_json(adaptive->config().to_json()).snr_adaptive);
    EXPECT_FALSE(plain->config().to_json().contains("snr_adaptive"));
    torch::NoGradGuard ng;
    const auto x = torch::rand({ 3, 3, 32, 32 });
    const auto snr = torch::tensor({ 0.0f, 10.0f, 20.0f });
    const auto z = adaptive->encode(x, snr);
    EXPECT_TRUE(torch::allclose(z, plain->encode(x), 1e-6, 1e-6));
    EXPECT_TRUE(torch::allclose(adaptive->decode(z, snr), plain->decode(z), 1e-6, 1e-6));
    // One SNR for the whole batch works too; none, or a wrong count, is a clear error.
    EXPECT_TRUE(torch::allclose(adaptive->encode(x, torch::tensor({ 5.0f })), z, 1e-6, 1e-6));
    EXPECT_NE(error_of([&] { adaptive->encode(x); }).find("SNR"), std::string::npos);
    EXPECT_THROW(adaptive->decode(z, torch::tensor({ 1.0f, 2.0f })), error);

    // Moved off the identity, the SNR changes the output.
    for (auto& p : adaptive->named_parameters())
        if (p.key().find("attention") != std::string::npos)
            p.value().copy_(torch::randn_like(p.value()) * 0.5);
    const auto low = adaptive->decode(z, torch::tensor({ 0.0f }));
    const auto high = adaptive->decode(z, torch::tensor({ 20.0f }));
    EXPECT_GT((low - high).abs().max().item<double>(), 1e-3);

    // A model file round trip keeps the modules.
    const auto path = temp_path("adaptive.st");
    save_module(path.string(), *adaptive, kind_jscc, adaptive->config().to_json());
    auto loaded = load_jscc(path.string());
    EXPECT_TRUE(loaded->snr_adaptive());
    EXPECT_TRUE(torch::equal(loaded->decode(z, torch::tensor({ 0.0f })), low));
}

// apply_channel is channel_snr then apply_channel_at_snr: the same draws, so the SNR an
// adaptive codec is told is the one its noise had.
TEST(Channel, SnrDrawThenNoiseIsApplyChannel)
{
    const auto z = normalize_power_batch(torch::randn({ 6, 8, 16, 16 }));
    for (const char* spec : { "awgn:10", "awgn:0-20", "rayleigh:5" }) {
        const auto cfg = channel_config::parse(spec);
        auto g1 = at::detail::createCPUGenerator(11), g2 = at::detail::createCPUGenerator(11);
        const auto direct = apply_channel(z, cfg, g1);
        const auto snr = channel_snr(cfg, 6, g2);
        EXPECT_TRUE(torch::equal(direct, apply_channel_at_snr(z, cfg, snr, g2))) << spec;
    }
    auto gen = at::detail::createCPUGenerator(3);
    const auto range = channel_snr(channel_config::parse("awgn:0-20"), 1000, gen);
    EXPECT_GE(range.min().item<double>(), 0.0);
    EXPECT_LE(range.max().item<double>(), 20.0);
    EXPECT_NEAR(range.mean().item<double>(), 10.0, 0.6);
    EXPECT_TRUE(torch::equal(channel_snr(channel_config::parse("awgn:7"), 3, gen),
                             torch::full({ 3 }, 7.0)));
    EXPECT_THROW(
        apply_channel_at_snr(z, channel_config::parse("awgn:5"), torch::ones({ 2 }), gen),
        error);
}

TEST(Channel, AwgnMeasuredSnrMatchesRequest)
{
    // 10^6 unit-power complex symbols.
    auto gen = at::detail::createCPUGenerator(42);
    auto z = normalize_power_batch(torch::randn({ 1, 8, 250, 250 }, gen));
    for (double snr : { 0.0, 10.0, 20.0 }) {
        auto y = apply_channel(z, channel_config::parse("awgn:" + std::to_string(snr)), gen);
        const double signal = latent_to_complex(z).abs().pow(2).mean().item<double>();
        const double noise = latent_to_complex(y - z).abs().pow(2).mean().item<double>();
        EXPECT_NEAR(10 * std::log10(signal / noise), snr, 0.05) << "requested " << snr;
    }
}

TEST(Channel, SeededAndReproducible)
{
    auto z = normalize_power_batch(torch::randn({ 2, 8, 16, 16 }));
    for (const char* spec : { "awgn:5", "rayleigh:10", "awgn:0-20" }) {
        auto g1 = at::detail::createCPUGenerator(7), g2 = at::detail::createCPUGenerator(7);
        auto g3 = at::detail::createCPUGenerator(8);
        const auto cfg = channel_config::parse(spec);
        auto a = apply_channel(z, cfg, g1);
        EXPECT_TRUE(torch::equal(a, apply_channel(z, cfg, g2))) << spec;
        EXPECT_FALSE(torch::equal(a, apply_channel(z, cfg, g3))) << spec;
    }
}

TEST(Channel, RayleighEqualisedNoiseGrowsInDeepFades)
{
    // After zero forcing, y/h = s + n/h: the mean error power exceeds the AWGN one at the same
    // SNR (it is unbounded in expectation), yet the signal itself passes through undistorted.
    auto gen = at::detail::createCPUGenerator(3);
    auto z = normalize_power_batch(torch::randn({ 400, 8, 16, 16 }, gen));
    auto y = apply_channel(z, channel_config::parse("rayleigh:20"), gen);
    auto err = (y - z).pow(2).mean({ 1, 2, 3 });
    EXPECT_GT(err.max().item<double>(), 10 * std::pow(10.0, -2.0) / 2);
    // The median error is the order of N0/2/|h|² with median |h|² = ln 2.
    const double median = err.median().item<double>();
    EXPECT_GT(median, 0.005 / 4);
    EXPECT_LT(median, 0.005 * 4);
    // Noise-free fading cancels exactly.
    EXPECT_TRUE(torch::allclose(
        apply_channel(z, channel_config::parse("rayleigh:300"), gen), z, 1e-4, 1e-4));
}

TEST(Channel, ParseRejectsBadSpecs)
{
    EXPECT_EQ(channel_config::parse("awgn:-5").snr_db, -5.0);
    const auto r = channel_config::parse("awgn:0-20");
    EXPECT_EQ(r.snr_db, 0.0);
    EXPECT_EQ(r.snr_high(), 20.0);
    EXPECT_TRUE(r.snr_range());
    EXPECT_EQ(channel_config::parse("none").type, channel_config::kind::none);
    for (const char* bad :
         { "awgn", "awgn:", "awgn:x", "awgn:10dB", "fading:3", "awgn:20-0", "" })
        EXPECT_THROW(channel_config::parse(bad), error) << bad;
}

TEST(Channel, LatentDomainRefusesWaveformImpairments)
{
    const auto latent = torch::randn({ 2, 8, 4, 4 });
    auto gen = at::detail::createCPUGenerator(1);
    for (const char* spec : { "awgn:10,cfo=0.1", "awgn:10,taps=1;0.3", "awgn:10,timing=0.5" })
        EXPECT_NE(error_of([&] {
                      apply_channel(latent, channel_config::parse(spec), gen);
                  }).find("the latent-domain simulation has no CFO"),
                  std::string::npos)
            << spec;
}

TEST(Inn, BackwardOfForwardIsTheIdentity)
{
    inn net(inn_config { 8, 8, 32, 2.0 });
    randomise(*net, 0.05, 11);
    net->eval();
    torch::NoGradGuard ng;
    auto gen = at::detail::createCPUGenerator(1);
    auto zh = torch::randn({ 4, 8, 16, 16 }, gen), zp = torch::randn({ 4, 8, 16, 16 }, gen);
    expect_embedding_inverts(*net, zh, zp);
}

// A reduced payload (issue 15's frontier): the secret branch has C/s² channels, the
// container all C; the blocks still invert exactly, and the file records the payload.
TEST(Inn, AReducedPayloadHidesFewerChannelsAndInverts)
{
    inn_config cfg { 8, 3, 16, 2.0 };
    cfg.private_downscale = 2;
    EXPECT_EQ(cfg.secret_channels(), 2);
    inn net(cfg);
    randomise(*net, 0.05, 21);
    net->eval();
    torch::NoGradGuard ng;
    auto gen = at::detail::createCPUGenerator(3);
    auto zh = torch::randn({ 3, 8, 8, 8 }, gen), zp = torch::randn({ 3, 2, 8, 8 }, gen);
    const auto out = expect_embedding_inverts(*net, zh, zp);
    EXPECT_EQ(out.container.sizes(), zh.sizes());
    EXPECT_EQ(out.lost.sizes(), zp.sizes());
    // Bob's fills have the secret branch's shape.
    EXPECT_EQ(make_lost_part(lost_part_mode::parse("zeros"), zh, *net).sizes(), zp.sizes());
    EXPECT_EQ(make_lost_part(lost_part_mode::parse("gaussian:1"), zh, *net).sizes(),
              zp.sizes());
    EXPECT_EQ(with_lost_estimator(net, 8)->estimate_lost(zh).sizes(), zp.sizes());
    // A full-size private latent is refused, not broadcast.
    EXPECT_NE(error_of([&] { net->embed(zh, zh); }).find("[B,2,h,w]"), std::string::npos);

    const auto path = temp_path("reduced_inn.st").string();
    save_module(path, *net, kind_inn, net->config().to_json());
    auto loaded = load_inn(path);
    EXPECT_EQ(loaded->config().private_downscale, 2);
    EXPECT_TRUE(torch::equal(loaded->embed(zh, zp).container, out.container));
    EXPECT_FALSE(inn_config {}.to_json().contains("private_downscale")); // older files
    cfg.private_downscale = 3; // 9 does not divide 8 channels
    EXPECT_NE(error_of([&] { inn bad(cfg); }).find("private_downscale"), std::string::npos);
    // A lower-rate payload: a private codec of 4 channels, folded or not.
    inn_config lower { 8, 2, 8, 2.0 };
    lower.payload_channels = 4;
    EXPECT_EQ(lower.secret_channels(), 4);
    lower.private_downscale = 2;
    EXPECT_EQ(lower.secret_channels(), 1);
    EXPECT_EQ(inn_config::from_json(lower.to_json()).secret_channels(), 1);
    EXPECT_EQ(inn(lower)->embed(zh, torch::zeros({ 3, 1, 8, 8 })).lost.size(1), 1);
    lower.payload_channels = 6; // 6 is not a multiple of 4
    EXPECT_NE(error_of([&] { inn bad(lower); }).find("payload's 6"), std::string::npos);
    auto j = net->config().to_json();
    j["private_downscale"] = 4; // 16 > 8 channels
    EXPECT_NE(error_of([&] { inn_config::from_json(j); }).find("private_downscale"),
              std::string::npos);
    // The blocks refuse a downscaled payload: a clear error, not a wrong shape later.
    EXPECT_NE(error_of([&] { facade::inn f(path); }).find("downscaled"), std::string::npos);
    inn_config lower_full_size { 8, 2, 8, 2.0 }; // fewer channels, not downscaled: also
    lower_full_size.payload_channels = 4; // a reduced payload (the blocks carry it)
    EXPECT_FALSE(lower_full_size.full_payload());
    EXPECT_TRUE(inn_config {}.full_payload());
}

// Checks that the facade's container and Bob's facade's recovery equal the link's passes
// (alice_embed, bob_extract) under `key` and `nonce`: the blocks and the simulation agree.
namespace {
void expect_facade_matches_the_link(inn& net,
                                    facade::inn& alice,
                                    facade::inn& bob,
                                    const stego_key& key,
                                    uint64_t nonce,
                                    int payload_channels)
{
    const int64_t payload_reals = int64_t { payload_channels } * 16 * 16;
    const auto zh = normalize_power_batch(torch::randn({ 1, 8, 16, 16 }));
    const auto zp = normalize_power_batch(torch::randn({ 1, payload_channels, 16, 16 }));
    const auto h = latent_to_symbols(zh.data_ptr<float>(), 2048);
    const auto p = latent_to_symbols(zp.data_ptr<float>(), payload_reals);
    const auto container = alice.embed(h.data(), h.size(), p.data(), p.size(), nonce);
    EXPECT_EQ(container.size(), 1024u);
    const auto got = bob.extract(container.data(), container.size(), nonce);
    EXPECT_EQ(got.size(), static_cast<size_t>(payload_reals / 2));

    torch::NoGradGuard ng;
    const latent_keying k(key, { nonce }, payload_reals, net->config().scramble_rounds);
    const auto zc = alice_embed(*net, zh, zp, &k).sent;
    const auto sent = latent_to_symbols(zc.contiguous().data_ptr<float>(), 2048);
    for (size_t i = 0; i < sent.size() && i < container.size(); i += 31)
        EXPECT_NEAR(std::abs(sent[i] - container[i]), 0.0, 1e-5) << i;
    const auto expected = bob_extract(*net, lost_part_mode {}, zc, &k).recovered.secret;
    const auto want
        = latent_to_symbols(expected.contiguous().data_ptr<float>(), payload_reals);
    for (size_t i = 0; i < want.size() && i < got.size(); i += 7)
        EXPECT_NEAR(std::abs(want[i] - got[i]), 0.0, 1e-4) << i;
}
} // namespace

// A lower-rate payload (a private codec of fewer channels, not downscaled) through the
// facade the blocks use: the same container and recovery as the link's passes, under the
// key; a private latent of the host's length (the public codec's) is refused, clearly.
TEST(Inn, TheFacadeCarriesALowerRatePayload)
{
    inn_config cfg { 8, 2, 8, 2.0 };
    cfg.payload_channels = 2;
    cfg.keyed = true;
    inn net(cfg);
    randomise(*net, 0.05, 17);
    const auto path = temp_path("lower_rate_inn.st").string();
    save_module(path, *net, kind_inn, net->config().to_json());
    const auto key = stego_key::generate();
    facade::inn alice(path, "auto", &key), bob(path, "auto", &key);
    EXPECT_EQ(alice.latent_channels(), 8);
    EXPECT_EQ(alice.payload_channels(), 2);
    expect_facade_matches_the_link(net, alice, bob, key, 7, 2);

    const auto h = symbol_vector(1024, { 0.5f, -0.5f });
    const auto refused
        = error_of([&] { alice.embed(h.data(), h.size(), h.data(), h.size()); });
    EXPECT_NE(refused.find("2 of 8 channels"), std::string::npos) << refused;
    EXPECT_NE(refused.find("private codec"), std::string::npos) << refused;
}

TEST(Inn, FreshNetworkIsTheIdentityAndExponentIsBounded)
{
    inn net(inn_config {});
    torch::NoGradGuard ng;
    auto zh = torch::randn({ 2, 8, 16, 16 }), zp = torch::randn({ 2, 8, 16, 16 });
    auto out = net->embed(zh, zp);
    EXPECT_TRUE(torch::equal(out.container, zh));
    // Huge ρ weights alone: each block scales z_p by at most exp(±clamp), so after 8 blocks
    // |l / z_p| stays within exp(±16) and nothing overflows.
    torch::manual_seed(2);
    for (auto& p : net->named_parameters())
        if (p.key().find(".rho.") != std::string::npos)
            p.value().copy_(torch::randn_like(p.value()) * 5.0);
    out = net->embed(zh, zp);
    const auto ratio = (out.lost / zp).abs();
    EXPECT_GT(ratio.max().item<double>(), 1.5); // the scales really act...
    EXPECT_LE(ratio.max().item<double>(), std::exp(16.0) * 1.0001);
    EXPECT_GE(ratio.min().item<double>(), std::exp(-16.0) * 0.9999);
    EXPECT_TRUE(torch::equal(out.container, zh)); // Φ is still zero
    EXPECT_THROW(net->embed(zh, torch::randn({ 2, 8, 8, 8 })), error);
}

TEST(Inn, LostPartModes)
{
    inn_config cfg;
    cfg.width = 4;
    inn net(cfg);
    auto like = torch::randn({ 2, 8, 4, 4 });
    auto fill = [&](const char* mode) {
        return make_lost_part(lost_part_mode::parse(mode), like, *net);
    };
    EXPECT_TRUE(torch::equal(fill("zeros"), torch::zeros_like(like)));
    EXPECT_TRUE(torch::equal(fill("auto"), torch::zeros_like(like))); // no estimator
    EXPECT_TRUE(torch::equal(fill("constant:0.5"), torch::full_like(like, 0.5)));
    EXPECT_THROW(fill("estimated"), error); // this INN has no estimator
    const auto g = lost_part_mode::parse("gaussian:1:9");
    auto a = make_lost_part(g, like, *net), b = make_lost_part(g, like, *net);
    EXPECT_TRUE(torch::equal(a, b));
    EXPECT_NEAR(a.std().item<double>(), 1.0, 0.2);
    for (const char* text : { "auto", "zeros", "estimated", "constant:0.500000" })
        EXPECT_EQ(lost_part_mode::parse(text).to_string(), text);
    for (const char* bad : { "", "gauss", "constant", "constant:x", "gaussian:1:2:3", "est" })
        EXPECT_THROW(lost_part_mode::parse(bad), error) << bad;
}

TEST(Inn, LostEstimatorStartsAtZeroAndKeepsTheBlocks)
{
    inn_config cfg;
    cfg.width = 4;
    inn plain(cfg);
    torch::manual_seed(3);
    for (auto& p : plain->parameters())
        p.data().copy_(torch::randn_like(p) * 0.1);
    inn with = with_lost_estimator(plain, 6);
    ASSERT_TRUE(with->has_lost_estimator());
    EXPECT_FALSE(plain->has_lost_estimator());
    EXPECT_EQ(with->config().lost_estimator_width, 6);
    EXPECT_EQ(inn_config::from_json(with->config().to_json()).lost_estimator_width, 6);
    EXPECT_EQ(inn_config::from_json(plain->config().to_json()).lost_estimator_width, 0);
    auto zh = torch::randn({ 2, 8, 4, 4 }), zp = torch::randn({ 2, 8, 4, 4 });
    torch::NoGradGuard ng;
    // Same blocks: the same container and, with a zero estimate, the same recovery.
    const auto a = plain->embed(zh, zp), b = with->embed(zh, zp);
    EXPECT_TRUE(torch::equal(a.container, b.container));
    EXPECT_TRUE(torch::equal(with->estimate_lost(a.container), torch::zeros_like(zh)));
    auto auto_fill = make_lost_part(lost_part_mode::parse("auto"), a.container, *with);
    EXPECT_TRUE(torch::equal(with->extract(a.container, auto_fill).secret,
                             plain->extract(a.container, torch::zeros_like(zh)).secret));
    // Once trained, "auto" follows the estimator.
    for (auto& p : with->parameters())
        p.copy_(torch::randn_like(p) * 0.1);
    EXPECT_TRUE(
        torch::equal(make_lost_part(lost_part_mode::parse("auto"), a.container, *with),
                     with->estimate_lost(a.container)));
    EXPECT_GT(with->estimate_lost(a.container).abs().max().item<double>(), 0.0);
    EXPECT_THROW(with_lost_estimator(plain, 0), error);
    // What "auto" means, per INN; other modes mean themselves.
    const auto automatic = lost_part_mode::parse("auto");
    EXPECT_EQ(automatic.resolved(*with).to_string(), "estimated");
    EXPECT_EQ(automatic.resolved(*plain).to_string(), "zeros");
    EXPECT_EQ(lost_part_mode::parse("constant:0.5").resolved(*with).to_string(),
              "constant:0.500000");
}

// The torch keyed transform is the plain reference of stego_key.h (per image, its own
// nonce), its inverse is exact, it keeps the norm, and gradients pass through it.
TEST(KeyedHiding, TorchTransformMatchesTheReference)
{
    std::array<uint8_t, 32> bytes {};
    bytes[0] = 7;
    const auto key = stego_key::from_bytes(bytes.data(), bytes.size());
    const std::vector<uint64_t> nonces { 1, 2, 0xFFFFFFFFFFFFFFFFull };
    latent_keying keying(key, nonces, 8 * 4 * 4, 3);
    auto z = torch::randn({ 3, 8, 4, 4 }).set_requires_grad(true);
    const auto s = keying.scramble(z);
    for (size_t b = 0; b < nonces.size(); ++b) {
        std::vector<float> ref(z[b].data_ptr<float>(), z[b].data_ptr<float>() + 128);
        scramble(make_scramble_plan(key, nonces[b], 128, 3), ref.data());
        const auto got = s[b].detach().contiguous();
        EXPECT_TRUE(torch::allclose(got.reshape({ -1 }), torch::tensor(ref), 1e-5, 1e-5))
            << b;
    }
    EXPECT_TRUE(torch::allclose(keying.unscramble(s), z, 1e-5, 1e-5));
    EXPECT_NEAR(
        s.norm().item<double>(), z.norm().item<double>(), 1e-4 * z.norm().item<double>());
    s.pow(2).sum().backward();
    EXPECT_TRUE(torch::allclose(z.grad(), 2 * z, 1e-4, 1e-4)); // orthogonal: ∇‖Sz‖² = 2z
    EXPECT_THROW(keying.scramble(torch::randn({ 2, 8, 4, 4 })), error);
}

// A keyed INN through the link's passes: the right key gives the private latent back
// (l̂ = l, no channel), a wrong key or none gives a latent uncorrelated with it.
TEST(KeyedHiding, OnlyTheRightKeyRecoversThePrivateLatent)
{
    inn_config cfg { 8, 4, 16, 2.0 };
    cfg.keyed = true;
    inn net(cfg);
    randomise(*net, 0.05, 12);
    net->eval();
    torch::NoGradGuard ng;
    const auto zh = torch::randn({ 2, 8, 16, 16 }), zp = torch::randn({ 2, 8, 16, 16 });
    const auto key = stego_key::generate();
    std::array<uint8_t, 32> other_bytes {};
    const latent_keying right(key, { 5, 6 }, 2048, 3), other_nonce(key, { 5, 7 }, 2048, 3),
        wrong(stego_key::from_bytes(other_bytes.data(), 32), { 5, 6 }, 2048, 3);
    const auto out = alice_embed(*net, zh, zp, &right);
    auto recovered = [&](const latent_keying* k) {
        auto rec = net->extract(out.container, out.lost).secret; // what the INN gives back
        return k ? k->unscramble(rec) : rec;
    };
    auto corr = [&](const torch::Tensor& a, int b) {
        return torch::nn::functional::cosine_similarity(a[b].reshape({ 1, -1 }),
                                                        zp[b].reshape({ 1, -1 }))
            .item<double>();
    };
    for (int b = 0; b < 2; ++b) {
        EXPECT_GT(corr(recovered(&right), b), 0.999);
        EXPECT_LT(std::abs(corr(recovered(&wrong), b)), 0.1);
        EXPECT_LT(std::abs(corr(recovered(nullptr), b)), 0.1);
    }
    // Image 1's nonce differs (image 0's is the same): only image 1 is lost.
    EXPECT_GT(corr(recovered(&other_nonce), 0), 0.999);
    EXPECT_LT(std::abs(corr(recovered(&other_nonce), 1)), 0.1);
    // Bob's pass with the right key: the same (his l̂ = 0 here, so not exact).
    const auto bob = bob_extract(*net, lost_part_mode {}, out.sent, &right);
    EXPECT_EQ(bob.recovered.secret.sizes(), zp.sizes());
    // A keyed INN needs a key; a keyless one refuses one.
    EXPECT_NE(error_of([&] { alice_embed(*net, zh, zp); }).find("keyed"), std::string::npos);
    inn keyless(inn_config { 8, 2, 8, 2.0 });
    EXPECT_NE(error_of([&] { bob_extract(*keyless, {}, zh, &right); }).find("keyless"),
              std::string::npos);
    EXPECT_TRUE(inn_config::from_json(net->config().to_json()).keyed);
    EXPECT_FALSE(keyless->config().to_json().contains("keyed"));
}

// The torch-free facade the blocks use: a keyed INN file needs a key, a keyless one refuses
// one; Bob's extraction through it is the link's (same key and nonce), and a wrong nonce or
// key changes what he gets.
TEST(KeyedHiding, FacadeTakesTheKeyAndTheNonce)
{
    inn_config cfg { 8, 2, 8, 2.0 };
    cfg.keyed = true;
    inn net(cfg);
    randomise(*net, 0.05, 13);
    const auto keyed_path = temp_path("keyed_inn.st").string();
    save_module(keyed_path, *net, kind_inn, net->config().to_json());
    inn plain(inn_config { 8, 2, 8, 2.0 });
    const auto keyless_path = temp_path("keyless_inn.st").string();
    save_module(keyless_path, *plain, kind_inn, plain->config().to_json());

    const auto key = stego_key::generate();
    const auto other = stego_key::generate();
    EXPECT_NE(error_of([&] { facade::inn n(keyed_path); }).find("keyed"), std::string::npos);
    EXPECT_NE(error_of([&] { facade::inn n(keyless_path, "auto", &key); }).find("keyless"),
              std::string::npos);
    facade::inn alice(keyed_path, "auto", &key), bob(keyed_path, "auto", &key),
        eve(keyed_path, "auto", &other);
    EXPECT_TRUE(alice.keyed());

    expect_facade_matches_the_link(net, alice, bob, key, 42, 8);

    const auto zh = normalize_power_batch(torch::randn({ 1, 8, 16, 16 }));
    const auto zp = normalize_power_batch(torch::randn({ 1, 8, 16, 16 }));
    const auto h = latent_to_symbols(zh.data_ptr<float>(), 2048);
    const auto p = latent_to_symbols(zp.data_ptr<float>(), 2048);
    const auto container = alice.embed(h.data(), h.size(), p.data(), p.size(), 42);
    const auto got = bob.extract(container.data(), container.size(), 42);
    // Relative to what Bob got: an unrelated vector of the same power is at 2.
    auto distance = [&](const symbol_vector& a) {
        double d = 0, p = 0;
        for (size_t i = 0; i < a.size(); ++i) {
            d += std::norm(a[i] - got[i]);
            p += std::norm(got[i]);
        }
        return d / p;
    };
    EXPECT_GT(distance(bob.extract(container.data(), container.size(), 43)), 0.5);
    EXPECT_GT(distance(eve.extract(container.data(), container.size(), 42)), 0.5);
}

// The facade the blocks use: an SNR-adaptive codec takes the SNR (and needs one), a plain
// codec ignores it.
TEST(Codec, FacadePassesTheSnrToAnAdaptiveCodec)
{
    auto [plain, adaptive] = random_codec_pair(21);
    const auto plain_path = temp_path("facade_plain.st").string();
    const auto adaptive_path = temp_path("facade_adaptive.st").string();
    save_module(plain_path, *plain, kind_jscc, plain->config().to_json());
    save_module(adaptive_path, *adaptive, kind_jscc, adaptive->config().to_json());
    facade::jscc_codec p(plain_path), a(adaptive_path);
    EXPECT_FALSE(p.snr_adaptive());
    EXPECT_TRUE(a.snr_adaptive());

    image img(32, 32);
    for (size_t i = 0; i < img.rgb.size(); ++i)
        img.rgb[i] = static_cast<float>((i * 37) % 101) / 100.0f;
    EXPECT_EQ(p.encode(img), p.encode(img, 3.0)); // ignored
    EXPECT_NE(error_of([&] { a.encode(img); }).find("SNR"), std::string::npos);
    EXPECT_THROW(a.encode(img, std::nan("")), error);
    const auto z = a.encode(img, 10.0);
    EXPECT_NE(z, a.encode(img, 0.0));
    const auto low = a.decode(z.data(), z.size(), 0.0),
               high = a.decode(z.data(), z.size(), 20.0);
    EXPECT_NE(low.rgb, high.rgb);
    EXPECT_EQ(a.decode(z.data(), z.size(), 0.0).rgb, low.rgb);
    EXPECT_EQ(p.decode(z.data(), z.size()).rgb, p.decode(z.data(), z.size(), 20.0).rgb);
}

// A network that gives NaN (weights that are NaN in a well-formed, checksummed file) is an
// error from the facades, never a picture of garbage: the blocks drop and count it.
TEST(Codec, FacadeRefusesNonFiniteOutputs)
{
    auto [plain, adaptive] = random_codec_pair(23);
    const auto path = temp_path("facade_nan.st").string();
    save_module(path, *plain, kind_jscc, plain->config().to_json());
    facade::jscc_codec good(path);
    image img(32, 32);
    for (size_t i = 0; i < img.rgb.size(); ++i)
        img.rgb[i] = static_cast<float>((i * 37) % 101) / 100.0f;
    auto z = good.encode(img);
    auto bad = z;
    bad[3] = { std::nanf(""), 0.0f }; // refused on the way in
    EXPECT_NE(error_of([&] { good.decode(bad.data(), bad.size()); }).find("not finite"),
              std::string::npos);
    {
        torch::NoGradGuard ng;
        for (auto& p : plain->parameters())
            p.fill_(std::nanf(""));
    }
    save_module(path, *plain, kind_jscc, plain->config().to_json());
    facade::jscc_codec broken(path);
    EXPECT_NE(error_of([&] { broken.encode(img); }).find("the codec's encoder"),
              std::string::npos);
    EXPECT_NE(error_of([&] { broken.decode(z.data(), z.size()); }).find("non-finite"),
              std::string::npos);
}

// The simulated link tells an SNR-adaptive codec's receivers their SNR plus the estimate
// error; the channel itself is unchanged, and a plain codec does not notice.
TEST(SecureLink, SnrEstimateErrorReachesOnlyAnAdaptiveDecoder)
{
    auto [plain, adaptive] = random_codec_pair(31);
    const auto x = torch::rand({ 2, 3, 32, 32 }), y = torch::rand({ 2, 3, 32, 32 });
    const auto awgn = channel_config::parse("awgn:10");
    for (bool is_adaptive : { false, true }) {
        secure_link_models m;
        m.codec = is_adaptive ? adaptive : plain;
        m.stego = inn(inn_config { 8, 2, 8, 2.0 });
        auto run = [&](double error) {
            m.snr_estimate_error_db = error;
            auto gen = at::detail::createCPUGenerator(5);
            return run_secure_link(m, x, y, awgn, awgn, gen);
        };
        const auto exact = run(0.0), biased = run(3.0);
        EXPECT_EQ(torch::equal(exact.baseline_bob, biased.baseline_bob), !is_adaptive);
        EXPECT_EQ(torch::equal(exact.secure_eve, biased.secure_eve), !is_adaptive);
    }
}

TEST(ModelIo, NetworksRoundTripBitExact)
{
    jscc_codec codec(small_codec());
    randomise(*codec, 0.1, 4);
    const auto path = temp_path("codec.safetensors").string();
    save_module(path, *codec, kind_jscc, codec->config().to_json(), { { "note", "x" } });
    auto loaded = load_jscc(path);
    auto a = codec->named_parameters(), b = loaded->named_parameters();
    ASSERT_EQ(a.size(), b.size());
    for (const auto& p : a)
        EXPECT_TRUE(torch::equal(p.value(), b[p.key()])) << p.key();
    EXPECT_EQ(loaded->config().encoder_width, 32);

    inn net(inn_config { 8, 2, 16, 2.0 });
    randomise(*net, 0.1, 5);
    const auto ipath = temp_path("inn.safetensors").string();
    save_module(ipath, *net, kind_inn, net->config().to_json());
    auto inet = load_inn(ipath);
    EXPECT_EQ(inet->config().blocks, 2);
    auto x = torch::randn({ 1, 8, 4, 4 });
    torch::NoGradGuard ng;
    EXPECT_TRUE(torch::equal(net->embed(x, x).lost, inet->embed(x, x).lost));
    // Loaded from a file already read (one read for the weights and the codec check).
    auto from_file = load_inn(read_model_file(ipath, kind_inn), ipath);
    EXPECT_TRUE(torch::equal(net->embed(x, x).lost, from_file->embed(x, x).lost));
    EXPECT_FALSE(inet->has_lost_estimator());

    // Bob's learned l̂ travels in the same file.
    inn est = with_lost_estimator(net, 8);
    randomise(*est, 0.1, 6);
    save_module(ipath, *est, kind_inn, est->config().to_json());
    auto iest = load_inn(ipath);
    ASSERT_TRUE(iest->has_lost_estimator());
    EXPECT_TRUE(torch::equal(est->estimate_lost(x), iest->estimate_lost(x)));

    EXPECT_EQ(decoder(6, 16)->latent_channels(), 6);
}

TEST(ModelIo, MismatchedFilesAreClearErrors)
{
    jscc_codec codec(small_codec());
    const auto path = temp_path("mismatch.safetensors").string();
    save_module(path, *codec, kind_jscc, codec->config().to_json());

    // Wrong kind for the loader, from the path or from a file already read.
    auto msg = error_of([&] { load_inn(path); });
    EXPECT_NE(msg.find("expected 'inn'"), std::string::npos) << msg;
    msg = error_of([&] { load_inn(read_model_file(path, kind_jscc), path); });
    EXPECT_NE(msg.find("expected 'inn'"), std::string::npos) << msg;
    EXPECT_NO_THROW(load_jscc(read_model_file(path, kind_jscc), path));

    // A config that builds a different architecture than the stored weights.
    auto file = read_model_file(path);
    file.config["decoder_width"] = 64;
    write_model_file(path, file);
    msg = error_of([&] { load_jscc(path); });
    EXPECT_NE(msg.find("expected F32"), std::string::npos) << msg;
    EXPECT_NE(msg.find("found F32"), std::string::npos) << msg;

    // A missing tensor.
    file.config["decoder_width"] = 32;
    file.tensors.erase("decoder.out.bias");
    write_model_file(path, file);
    msg = error_of([&] { load_jscc(path); });
    EXPECT_NE(msg.find("missing tensor 'decoder.out.bias'"), std::string::npos) << msg;

    // An extra tensor.
    file = read_model_file(path);
    file.tensors["decoder.out.bias"] = { "F32", { 12 }, std::vector<uint8_t>(48, 0) };
    file.tensors["decoder.extra"] = { "F32", { 1 }, std::vector<uint8_t>(4, 0) };
    write_model_file(path, file);
    msg = error_of([&] { load_jscc(path); });
    EXPECT_NE(msg.find("unexpected tensor 'decoder.extra'"), std::string::npos) << msg;

    // A config that cannot build at all.
    file.tensors.erase("decoder.extra");
    file.config["bcr"] = 0.3;
    write_model_file(path, file);
    msg = error_of([&] { load_jscc(path); });
    EXPECT_NE(msg.find("latent channels"), std::string::npos) << msg;
}

TEST(Conversions, ImagesAndTensors)
{
    image a(6, 4), b(6, 4);
    a.at(5, 3, 2) = 0.75f;
    b.at(0, 1, 0) = 0.25f;
    auto t = images_to_tensor({ a, b });
    EXPECT_EQ(t.sizes(), torch::IntArrayRef({ 2, 3, 4, 6 }));
    EXPECT_FLOAT_EQ(t[0][2][3][5].item<float>(), 0.75f);
    EXPECT_FLOAT_EQ(t[1][0][1][0].item<float>(), 0.25f);
    auto back = tensor_to_images(t);
    EXPECT_EQ(back[0].rgb, a.rgb);
    EXPECT_EQ(back[1].rgb, b.rgb);
    EXPECT_THROW(images_to_tensor({ a, image(5, 4) }), error);
    EXPECT_THROW(images_to_tensor({}), error);
}

namespace {
// `images` random 32x32 images in a folder of their own, and 4 (host, private) pairs of them.
struct random_pairs {
    fs::path dir;
    image_set set;
    image_pairs pairs;
    random_pairs(const std::string& name, int images, uint64_t seed)
        : dir(temp_path(name)), set(make_folder(dir, images, seed))
    {
        pairs.hosts = pairs.privates = &set;
        pairs.side = 32;
        pairs.pairs = draw_image_pairs(set, set, 4, 1);
    }
    ~random_pairs() { fs::remove_all(dir); }
    static image_set make_folder(const fs::path& dir, int images, uint64_t seed)
    {
        fs::remove_all(dir);
        fs::create_directories(dir);
        torch::manual_seed(seed);
        for (int i = 0; i < images; ++i)
            save_png((dir / ("img" + std::to_string(i) + ".png")).string(),
                     tensor_to_images(torch::rand({ 1, 3, 32, 32 }))[0]);
        return image_set::from_folder(dir.string(), {}, ":");
    }
};
} // namespace

TEST(Experiment, TablesScoreWhatTheSecureLinkReturns)
{
    random_pairs images("experiment_images", 5, 3);
    const auto& pairs = images.pairs;

    secure_link_models m;
    m.codec = random_codec_pair(11).first;
    m.stego = inn(inn_config { 8, 2, 8, 2.0 });
    randomise(*m.stego, 0.05, 12);
    eve_table_options o;
    o.bob = fixed_snr_channel("awgn", 10);
    o.eve = fixed_snr_channel("awgn", 20);
    o.batch = 3; // two batches: 3 + 1
    o.seed = 5;
    grid_images grid;
    o.grid = &grid;
    const auto t = run_eve_table(m, pairs, o);

    // The same link, by hand: one generator across the batches, as the table draws it.
    auto gen = at::detail::createCPUGenerator(5);
    std::vector<double> bob, eve_host, plain_host;
    for (size_t b = 0; b < 4; b += 3) {
        const auto [xh, xp] = pair_batch(pairs, b, std::min<size_t>(4, b + 3));
        const auto r = run_secure_link(m, xh, xp, o.bob, o.eve, gen);
        for (int i = 0; i < xh.size(0); ++i) {
            bob.push_back(psnr(r.secure_bob, xp)[i].item<double>());
            eve_host.push_back(psnr(r.secure_eve, xh)[i].item<double>());
            plain_host.push_back(psnr(r.plain_host_eve, xh)[i].item<double>());
        }
    }
    EXPECT_EQ(t.cells[row_secure_private][observer_bob].psnr, bob);
    EXPECT_EQ(t.cells[row_secure_host][observer_eve].psnr, eve_host);
    // E9's reference: the host sent plainly, decoded by Eve (not the container's picture).
    EXPECT_EQ(t.cells[row_plain_host][observer_eve].psnr, plain_host);
    EXPECT_NE(plain_host, eve_host);
    EXPECT_EQ(t.cells[row_secure_private][observer_eve].ms_ssim.size(), 4u);
    EXPECT_TRUE(t.cells[row_secure_private][observer_mia].psnr.empty()); // no MIA model
    EXPECT_TRUE(t.cells[row_e4_no_key][observer_eve].psnr.empty()); // keyless INN
    EXPECT_EQ(t.detector_signals, 0u);
    EXPECT_EQ(grid.pairs, 4u);
    EXPECT_EQ(grid.bob.size(), 4u);
    EXPECT_TRUE(grid.mia.empty());

    const auto floor = floor_scores(pairs, 3, nullptr);
    const auto [xh, xp] = pair_batch(pairs, 0, 4);
    EXPECT_NEAR(floor.psnr[2], psnr(xh, xp)[2].item<double>(), 1e-9);
    EXPECT_EQ(floor.ssim.size(), 4u);

    const auto sweep = run_snr_sweep(m, pairs, "awgn", 4, 5);
    ASSERT_EQ(sweep.size(), 11u);
    EXPECT_EQ(sweep.back().snr_db, 20.0);
    EXPECT_EQ(sweep.back().bob.n, 4u);
    EXPECT_FALSE(sweep.back().mia_private.measured());
    // More SNR, a better baseline.
    EXPECT_GT(sweep.back().baseline.mean, sweep.front().baseline.mean);

    EXPECT_NE(error_of([] { fixed_snr_channel("fading", 3); }).find("awgn or rayleigh"),
              std::string::npos);
}

// Calibration: the residual is the received latent less the public codec's re-encoding of
// its own decoding, D told Eve's SNR and E Bob's, the same whatever the batching; an
// SNR-adaptive codec gives another residual at another SNR (the SNRs reach it).
TEST(Calibration, TheResidualIsWhatTheCodecCannotExplain)
{
    auto adaptive = random_codec_pair(41).second;
    adaptive->eval();
    torch::manual_seed(3);
    const auto y = torch::randn({ 5, 8, 8, 8 });
    torch::NoGradGuard ng;
    const auto by_hand = y
        - adaptive->encode(adaptive->decode(y, torch::full({ 5 }, 20.0)),
                           torch::full({ 5 }, 10.0));
    const auto r = calibration_residual(*adaptive, y, 20.0, 10.0, 2);
    ASSERT_EQ(r.sizes(), y.sizes());
    EXPECT_TRUE(torch::allclose(r, by_hand, 1e-5, 1e-6));
    EXPECT_TRUE(
        torch::allclose(calibration_residual(*adaptive, y, 20.0, 10.0, 5), r, 1e-5, 1e-6));
    EXPECT_GT(
        (calibration_residual(*adaptive, y, 20.0, 0.0, 5) - r).abs().max().item<double>(),
        1e-3);
    EXPECT_GT(
        (calibration_residual(*adaptive, y, 0.0, 10.0, 5) - r).abs().max().item<double>(),
        1e-3);

    const auto features = calibrated_statistics(y, r);
    const auto f = latent_statistics(y).size(1);
    ASSERT_EQ(features.sizes(), (std::vector<int64_t> { 5, 2 * f }));
    EXPECT_TRUE(torch::equal(features.slice(1, 0, f), latent_statistics(y)));
    EXPECT_TRUE(torch::equal(features.slice(1, f), latent_statistics(r)));

    EXPECT_NE(error_of([&] {
                  calibration_residual(*adaptive, y.slice(1, 0, 4), 20, 10, 2);
              }).find("[B,8,h,w]"),
              std::string::npos);
    EXPECT_THROW(calibration_residual(*adaptive, y, 20, 10, 0), error);
    EXPECT_THROW(calibrated_statistics(y, r.slice(0, 0, 4)), error);
}

// E3 at a threshold fitted at Eve's SNR on other pairs (what an Eve who knows her SNR does
// rather than keep the 0 of a training over other SNRs): fit_steganalysis finds the best
// threshold on the fit pairs' own logits at each SNR, and the table counts its evaluated
// logits against it.
// A small random link with a detector: codec, INN and detector drawn from their seeds.
secure_link_models
small_link_with_detector(uint64_t codec_seed, uint64_t inn_seed, uint64_t detector_seed)
{
    secure_link_models m;
    m.codec = random_codec_pair(codec_seed).first;
    m.stego = inn(inn_config { 8, 2, 8, 2.0 });
    randomise(*m.stego, 0.05, inn_seed);
    torch::manual_seed(detector_seed);
    m.detect = detector(detector_config { 8, 8 });
    return m;
}

// A calibrated detector reads the received latent and its calibration residual side by
// side (2C inputs); the link computes them at Eve's SNR and Bob's, as Eve would. Earlier
// detector files (no "calibrated" in their config) stay plain detectors.
TEST(Calibration, ACalibratedDetectorReadsTheResidualBesideTheSignal)
{
    const detector_config plain_cfg { 8, 8 }, calibrated_cfg { 8, 8, true };
    EXPECT_EQ(plain_cfg.input_channels(), 8);
    EXPECT_EQ(calibrated_cfg.input_channels(), 16);
    EXPECT_FALSE(plain_cfg.to_json().contains("calibrated"));
    EXPECT_TRUE(detector_config::from_json(calibrated_cfg.to_json()).calibrated);
    EXPECT_FALSE(
        detector_config::from_json({ { "channels", 8 }, { "width", 8 } }).calibrated);
    EXPECT_THROW(detector_config::from_json({ { "channels", 8 }, { "calibrated", "yes" } }),
                 error);

    auto m = small_link_with_detector(17, 18, 3);
    m.codec = random_codec_pair(17).second; // SNR-adaptive: the SNRs must reach it
    torch::manual_seed(4);
    m.detect = detector(calibrated_cfg);
    m.keep_received = true;
    random_pairs images("calibrated_detector", 3, 21);
    const auto [xh, xp] = pair_batch(images.pairs, 0, 3);
    auto gen = at::detail::createCPUGenerator(9);
    const auto r = run_secure_link(
        m, xh, xp, fixed_snr_channel("awgn", 10), fixed_snr_channel("awgn", 20), gen);
    torch::NoGradGuard ng;
    const auto by_hand = [&](const torch::Tensor& rx) {
        return (*m.detect)->forward(
            torch::cat({ rx, calibration_residual(*m.codec, rx, 20, 10, 3) }, 1));
    };
    EXPECT_TRUE(torch::allclose(r.detect_plain, by_hand(r.eve_plain_rx), 1e-5, 1e-6));
    EXPECT_TRUE(torch::allclose(r.detect_container, by_hand(r.eve_container_rx), 1e-5, 1e-6));
    EXPECT_FALSE(torch::allclose(
        r.detect_plain,
        (*m.detect)->forward(torch::cat(
            { r.eve_plain_rx, calibration_residual(*m.codec, r.eve_plain_rx, 10, 10, 3) },
            1)),
        1e-5,
        1e-6));
    // A plain detector reads the signal as it is.
    detector plain_net(plain_cfg);
    const auto snr = torch::full({ 3 }, 10.0);
    EXPECT_TRUE(torch::equal(detector_input(*plain_net, *m.codec, r.eve_plain_rx, snr, snr),
                             r.eve_plain_rx));
    EXPECT_THROW(
        detector_input(**m.detect, *m.codec, r.eve_plain_rx, snr.slice(0, 0, 2), snr), error);
}

TEST(Experiment, TheDetectorsThresholdIsRefittedOnSeparatePairs)
{
    random_pairs images("experiment_threshold", 5, 4);
    random_pairs fit_images("experiment_threshold_fit", 5, 9);
    auto m = small_link_with_detector(11, 12, 2);
    m.keep_received = true;

    const auto fits = fit_steganalysis(m, fit_images.pairs, 10, { 20.0, 5.0 }, "awgn", 3, 5);
    ASSERT_EQ(fits.size(), 2u);
    for (const auto& f : fits) {
        EXPECT_TRUE(f.statistical.fitted());
        EXPECT_TRUE(f.calibrated.fitted());
        EXPECT_TRUE(std::isfinite(f.detector_threshold));
    }
    // The fit at Eve 20 dB, by hand: the link as evaluated (Alice encoding for Bob's 10 dB),
    // the same channel draws, the best split of its logits.
    {
        auto gen = at::detail::createCPUGenerator(5 + 1000);
        const auto bob = fixed_snr_channel("awgn", 10);
        const auto eve = fixed_snr_channel("awgn", 20);
        std::vector<torch::Tensor> plain, containers;
        for (size_t b = 0; b < 4; b += 3) {
            const auto [xh, xp] = pair_batch(fit_images.pairs, b, std::min<size_t>(4, b + 3));
            const auto r = run_secure_link(m, xh, xp, bob, eve, gen);
            plain.push_back(r.detect_plain);
            containers.push_back(r.detect_container);
        }
        EXPECT_DOUBLE_EQ(fits[0].detector_threshold,
                         best_threshold(torch::cat(plain), torch::cat(containers)));
    }

    eve_table_options o;
    o.bob = fixed_snr_channel("awgn", 10);
    o.eve = fixed_snr_channel("awgn", 20);
    o.batch = 3;
    o.seed = 5;
    o.statistical = &fits[0].statistical;
    EXPECT_TRUE(std::isnan(run_eve_table(m, images.pairs, o).detector_refit_threshold));
    // A threshold among the evaluated logits, so that it decides some of them.
    o.detector_threshold = fits[0].detector_threshold;
    const auto t = run_eve_table(m, images.pairs, o);
    EXPECT_EQ(t.detector_refit_threshold, fits[0].detector_threshold);
    auto gen = at::detail::createCPUGenerator(5);
    size_t plain_ok = 0, container_ok = 0, plain_ok_at_0 = 0;
    for (size_t b = 0; b < 4; b += 3) {
        const auto [xh, xp] = pair_batch(images.pairs, b, std::min<size_t>(4, b + 3));
        const auto r = run_secure_link(m, xh, xp, o.bob, o.eve, gen);
        plain_ok += static_cast<size_t>(
            r.detect_plain.le(o.detector_threshold).sum().item<int64_t>());
        container_ok += static_cast<size_t>(
            r.detect_container.gt(o.detector_threshold).sum().item<int64_t>());
        plain_ok_at_0 += static_cast<size_t>(r.detect_plain.lt(0).sum().item<int64_t>());
    }
    EXPECT_EQ(t.detector_refit_plain_ok, plain_ok);
    EXPECT_EQ(t.detector_refit_container_ok, container_ok);
    EXPECT_EQ(t.detector_plain_ok, plain_ok_at_0); // the training's threshold, as before
    EXPECT_EQ(t.detector_signals, 4u);
    EXPECT_TRUE(t.detector_pooled.empty()); // 4 signals of a kind: too few to pool
    EXPECT_FALSE(t.have_calibrated);

    // E10 calibrated: its logits on the received signals' calibrated statistics, the codec
    // decoding at Eve's 20 dB and re-encoding at Bob's 10 dB.
    o.calibrated = &fits[0].calibrated;
    const auto tc = run_eve_table(m, images.pairs, o);
    ASSERT_TRUE(tc.have_calibrated);
    {
        auto gen = at::detail::createCPUGenerator(5);
        std::vector<torch::Tensor> plain, containers;
        for (size_t b = 0; b < 4; b += 3) {
            const auto [xh, xp] = pair_batch(images.pairs, b, std::min<size_t>(4, b + 3));
            const auto r = run_secure_link(m, xh, xp, o.bob, o.eve, gen);
            plain.push_back(r.eve_plain_rx);
            containers.push_back(r.eve_container_rx);
        }
        const auto score = [&](const std::vector<torch::Tensor>& rx) {
            const auto y = torch::cat(rx);
            return fits[0].calibrated.score_features(
                calibrated_statistics(*m.codec, y, 20, 10, 3));
        };
        const auto sp = score(plain), sc = score(containers);
        EXPECT_DOUBLE_EQ(tc.calibrated_auc, roc_auc(sp, sc));
        EXPECT_DOUBLE_EQ(tc.calibrated_accuracy,
                         ((sp <= 0).sum().item<double>() + (sc > 0).sum().item<double>())
                             / 8.0);
    }
}

// With pairs enough, a table also gives the detector over N = 4 transmissions: its logits
// of this very run pooled (32 pairs: the 8 decisions of each kind N = 4 needs; N = 16
// would need 128).
TEST(Experiment, TheDetectorIsPooledOverTransmissionsWhenThePairsAllow)
{
    random_pairs images("experiment_pooled", 6, 14);
    images.pairs.pairs = draw_image_pairs(images.set, images.set, 32, 3);
    auto m = small_link_with_detector(15, 16, 4);

    eve_table_options o;
    o.bob = fixed_snr_channel("awgn", 10);
    o.eve = fixed_snr_channel("awgn", 10);
    o.batch = 8;
    o.seed = 6;
    const auto t = run_eve_table(m, images.pairs, o);
    ASSERT_EQ(t.detector_pooled.size(), 1u);
    auto gen = at::detail::createCPUGenerator(6);
    std::vector<torch::Tensor> plain, containers;
    for (size_t b = 0; b < 32; b += 8) {
        const auto [xh, xp] = pair_batch(images.pairs, b, b + 8);
        const auto r = run_secure_link(m, xh, xp, o.bob, o.eve, gen);
        plain.push_back(r.detect_plain);
        containers.push_back(r.detect_container);
    }
    const auto expected = pool_detection(torch::cat(plain),
                                         torch::cat(containers),
                                         4,
                                         pooled_detection_shufflings,
                                         o.seed + 4);
    const auto& got = t.detector_pooled[0];
    EXPECT_EQ(got.transmissions, 4);
    EXPECT_EQ(got.groups, 8);
    EXPECT_DOUBLE_EQ(got.roc_auc, expected.roc_auc);
    EXPECT_DOUBLE_EQ(got.accuracy, expected.accuracy);
    EXPECT_DOUBLE_EQ(t.detector_auc, roc_auc(torch::cat(plain), torch::cat(containers)));
}

// The payload's latent: the private image downscaled, coded, folded onto the host's grid
// at the codec's unit power; Bob's picture comes back at full size. Through the whole
// keyed link, every receiver's picture has the private image's size.
TEST(SecureLink, AReducedPayloadTravelsTheWholeLink)
{
    auto codec = random_codec_pair(31).first;
    inn_config cfg { 8, 2, 8, 2.0 };
    cfg.private_downscale = 2;
    cfg.keyed = true;
    inn net(cfg);
    randomise(*net, 0.05, 32);
    torch::NoGradGuard ng;
    torch::manual_seed(33);
    const auto x = torch::rand({ 2, 3, 32, 32 });
    const auto snr = torch::full({ 2 }, 10.0);
    const auto z = private_latent(*codec, *net, x, snr);
    EXPECT_EQ(z.sizes(), (std::vector<int64_t> { 2, 2, 8, 8 }));
    const auto small = codec->encode(torch::avg_pool2d(x, 2), snr);
    EXPECT_TRUE(torch::equal(torch::pixel_unshuffle(z, 2), small));
    EXPECT_NEAR(z[0].pow(2).sum().item<double>(), small[0].pow(2).sum().item<double>(), 1e-4);
    const auto back = private_image(*codec, *net, z, snr);
    EXPECT_EQ(back.sizes(), x.sizes());
    EXPECT_GE(back.min().item<double>(), 0.0);
    EXPECT_LE(back.max().item<double>(), 1.0);
    EXPECT_NE(error_of([&] {
                  private_latent(*codec, *net, torch::rand({ 1, 3, 36, 36 }), snr);
              }).find("multiples of 8"),
              std::string::npos);
    inn full(inn_config { 8, 2, 8, 2.0 }); // full payload: the codec's own latent
    EXPECT_TRUE(torch::equal(private_latent(*codec, *full, x, snr), codec->encode(x, snr)));

    secure_link_models m;
    m.codec = codec;
    m.stego = net;
    m.key = stego_key::generate();
    auto gen = at::detail::createCPUGenerator(34);
    const auto host = torch::rand({ 2, 3, 32, 32 });
    const auto r = run_secure_link(
        m, host, x, fixed_snr_channel("awgn", 10), fixed_snr_channel("awgn", 20), gen);
    for (const auto* t :
         { &r.secure_bob, &r.secure_eve, &r.eve_inn_nokey, &r.eve_inn_wrong_key })
        EXPECT_EQ(t->sizes(), x.sizes());

    // A private codec of the payload's own codes the private image: a copy of the public
    // codec changes nothing, another codec changes Bob's picture.
    cfg.keyed = false; // (keyed, each run would draw other nonces)
    inn keyless(cfg);
    randomise(*keyless, 0.05, 37);
    auto run = [&](std::optional<jscc_codec> private_codec) {
        secure_link_models k;
        k.codec = codec;
        k.stego = keyless;
        k.private_codec = private_codec;
        auto g = at::detail::createCPUGenerator(35);
        return run_secure_link(
            k, host, x, fixed_snr_channel("awgn", 10), fixed_snr_channel("awgn", 20), g);
    };
    jscc_codec same(codec->config());
    copy_shared_parameters(*codec, *same);
    const auto base = run(std::nullopt);
    EXPECT_TRUE(torch::equal(run(same).secure_bob, base.secure_bob));
    EXPECT_FALSE(
        torch::allclose(run(random_codec_pair(36).first).secure_bob, base.secure_bob));

    // A lower-rate private codec (4 channels): the INN's secret branch has its channels.
    inn_config lower_cfg { 8, 2, 8, 2.0 };
    lower_cfg.payload_channels = 4;
    inn lower(lower_cfg);
    randomise(*lower, 0.05, 39);
    jscc_codec quarter(jscc_config { 32, 1.0 / 24, 32, 32 });
    EXPECT_EQ(private_latent(*quarter, *lower, x, snr).size(1), 4);
    EXPECT_NE(error_of([&] {
                  private_latent(*codec, *lower, x, snr);
              }).find("hides 4-channel payloads"),
              std::string::npos);
    secure_link_models q;
    q.codec = codec;
    q.stego = lower;
    q.private_codec = quarter;
    q.eve_inn = inn(inn_config { 8, 2, 8, 2.0 }); // E5: a full-payload INN of Eve's own
    auto gq = at::detail::createCPUGenerator(40);
    const auto rq = run_secure_link(
        q, host, x, fixed_snr_channel("awgn", 10), fixed_snr_channel("awgn", 10), gq);
    EXPECT_EQ(rq.secure_bob.sizes(), x.sizes());
    EXPECT_EQ(rq.eve_own_inn.sizes(), x.sizes());

    // From files: the INN names its private codec, and the link loads exactly that one.
    const auto public_path = temp_path("reduced_public.st").string();
    const auto private_path = temp_path("reduced_private.st").string();
    const auto inn_path = temp_path("reduced_keyless.st").string();
    save_module(public_path, *codec, kind_jscc, codec->config().to_json());
    auto other = random_codec_pair(38).first;
    save_module(private_path, *other, kind_jscc, other->config().to_json());
    save_module(
        inn_path,
        *keyless,
        kind_inn,
        keyless->config().to_json(),
        { { inn_private_codec_key, read_model_file(private_path, kind_jscc).data_sha256 } });
    auto loaded
        = secure_link_models::load(public_path, inn_path, "", "", "auto", {}, private_path);
    ASSERT_TRUE(loaded.private_codec.has_value());
    EXPECT_EQ(&loaded.private_coder(), &**loaded.private_codec);
    EXPECT_NE(
        error_of([&] { secure_link_models::load(public_path, inn_path); }).find("give it"),
        std::string::npos);
}

//! A codec and an INN saved as files, the INN naming the codec it was trained with (as
//! training writes them): {codec path, INN path}.
static std::pair<std::string, std::string>
saved_with_its_codec(jscc_codec_impl& codec, inn_impl& net, const std::string& stem)
{
    const auto codec_path = temp_path(stem + "_codec.st").string();
    save_module(codec_path, codec, kind_jscc, codec.config().to_json());
    const auto path = temp_path(stem + "_inn.st").string();
    save_module(path,
                net,
                kind_inn,
                net.config().to_json(),
                { { inn_codec_key, read_model_file(codec_path, kind_jscc).data_sha256 } });
    return { codec_path, path };
}

// An INN with codec_round_trip sends E(D(z_c)) at Alice's encoding SNR: what goes on the
// air is the codec's latent of an image. Alice needs the codec for it (the link and the
// blocks' facade pass it); the file records it, older files lack it.
TEST(SecureLink, ARoundTripInnSendsTheCodecsLatentOfAnImage)
{
    auto codec = random_codec_pair(51).second; // SNR-adaptive: the SNR must reach E and D
    codec->eval();
    inn_config cfg { 8, 2, 8, 2.0 };
    cfg.codec_round_trip = true;
    inn net(cfg);
    randomise(*net, 0.05, 52);
    torch::NoGradGuard ng;
    torch::manual_seed(53);
    const auto snr = torch::tensor({ 5.0, 15.0 });
    const auto zh = codec->encode(torch::rand({ 2, 3, 32, 32 }), snr);
    const auto zp = normalize_power_batch(torch::randn({ 2, 8, 8, 8 }));
    const auto out = alice_embed(*net, zh, zp, nullptr, { codec.get(), snr });
    const auto made = normalize_power_batch(out.container);
    EXPECT_TRUE(
        torch::allclose(out.sent, codec->encode(codec->decode(made, snr), snr), 1e-5, 1e-6));
    EXPECT_GT((out.sent - made).abs().max().item<double>(), 1e-2);
    EXPECT_GT((out.sent - codec->encode(codec->decode(made, snr.flip(0)), snr.flip(0)))
                  .abs()
                  .max()
                  .item<double>(),
              1e-3);
    EXPECT_NE(error_of([&] { alice_embed(*net, zh, zp); }).find("round trip"),
              std::string::npos);
    auto as_made
        = with_config(net, inn_config { 8, 2, 8, 2.0 }); // other INNs ignore the codec
    EXPECT_TRUE(torch::equal(
        alice_embed(*as_made, zh, zp, nullptr, { codec.get(), snr }).sent, made));

    EXPECT_TRUE(inn_config::from_json(cfg.to_json()).codec_round_trip);
    EXPECT_FALSE(inn_config {}.to_json().contains("codec_round_trip"));
    // The blocks' facade: given the INN's codec and Alice's SNR, the link's container; without
    // them it extracts (Bob) but refuses to embed; another codec is refused.
    const auto [codec_path, path] = saved_with_its_codec(*codec, *net, "round_trip");
    facade::inn alice(path, "auto", nullptr, facade::round_trip_codec { codec_path, 15.0 });
    EXPECT_TRUE(alice.codec_round_trip());
    const auto h = latent_to_symbols(zh[1].contiguous().data_ptr<float>(), 512);
    const auto p = latent_to_symbols(zp[1].contiguous().data_ptr<float>(), 512);
    const auto container = alice.embed(h.data(), h.size(), p.data(), p.size());
    const auto want = latent_to_symbols(out.sent[1].contiguous().data_ptr<float>(), 512);
    ASSERT_EQ(container.size(), want.size());
    for (size_t i = 0; i < want.size(); i += 5)
        EXPECT_NEAR(std::abs(container[i] - want[i]), 0.0, 1e-4) << i;
    facade::inn bob(path);
    EXPECT_EQ(bob.extract(container.data(), container.size()).size(), 256u);
    EXPECT_NE(error_of([&] {
                  bob.embed(h.data(), h.size(), p.data(), p.size());
              }).find("round trip"),
              std::string::npos);
    const auto other_path = temp_path("round_trip_other_codec.st").string();
    auto other = random_codec_pair(55).second;
    save_module(other_path, *other, kind_jscc, other->config().to_json());
    EXPECT_THROW(facade::inn(path, "auto", nullptr, facade::round_trip_codec { other_path }),
                 error);

    // The whole link: Alice's container goes through the round trip at Bob's SNR.
    secure_link_models m;
    m.codec = codec;
    m.stego = net;
    auto gen = at::detail::createCPUGenerator(54);
    const auto x = torch::rand({ 2, 3, 32, 32 });
    const auto r = run_secure_link(
        m, x, x, fixed_snr_channel("awgn", 10), fixed_snr_channel("awgn", 20), gen);
    EXPECT_EQ(r.secure_bob.sizes(), x.sizes());
    EXPECT_TRUE(torch::isfinite(r.secure_eve).all().item<bool>());
}

// With round_trip_host_detail Alice adds back what the codec loses of the host image before
// re-encoding: E(D(z_c) + x_h − D(z_h)). Had the INN left z_h as it was, she would send
// E(x_h), the plain latent; a host image that the codec keeps whole (x_h = D(z_h)) gives
// the plain round trip. She needs the host images: the facade embeds from them.
TEST(SecureLink, TheHostsDetailGoesBackBeforeTheRoundTrip)
{
    auto codec = random_codec_pair(51).second;
    codec->eval();
    inn_config cfg { 8, 2, 8, 2.0 };
    cfg.codec_round_trip = true;
    cfg.round_trip_host_detail = true;
    inn net(cfg);
    randomise(*net, 0.05, 52);
    {
        // The INN learns through it: gradients reach its weights through D, the detail and E.
        const auto snr = torch::tensor({ 10.0 });
        const auto x = torch::rand({ 1, 3, 32, 32 });
        const auto zh = codec->encode(x, snr).detach();
        const auto zp = normalize_power_batch(torch::randn({ 1, 8, 8, 8 }));
        const auto sent = alice_embed(*net, zh, zp, nullptr, { codec.get(), snr, x }).sent;
        (sent * torch::randn_like(sent)).sum().backward(); // (E fixes the power)
        double reached = 0;
        for (const auto& p : net->parameters())
            if (p.grad().defined())
                reached += p.grad().abs().sum().item<double>();
        EXPECT_GT(reached, 0.0);
        net->zero_grad();
    }
    torch::NoGradGuard ng;
    torch::manual_seed(56);
    const auto snr = torch::tensor({ 5.0, 15.0 });
    const auto x = torch::rand({ 2, 3, 32, 32 });
    const auto zh = codec->encode(x, snr);
    const auto zp = normalize_power_batch(torch::randn({ 2, 8, 8, 8 }));
    const auto out = alice_embed(*net, zh, zp, nullptr, { codec.get(), snr, x });
    const auto made = normalize_power_batch(out.container);
    const auto picture = codec->decode(made, snr) + (x - codec->decode(zh, snr));
    EXPECT_TRUE(torch::allclose(out.sent, codec->encode(picture, snr), 1e-5, 1e-6));
    // The plain round trip, where the host has no detail the codec loses.
    auto rt_cfg = cfg;
    rt_cfg.round_trip_host_detail = false;
    auto round_trip = with_config(net, rt_cfg);
    const auto kept = codec->decode(zh, snr);
    EXPECT_TRUE(
        torch::allclose(alice_embed(*net, zh, zp, nullptr, { codec.get(), snr, kept }).sent,
                        alice_embed(*round_trip, zh, zp, nullptr, { codec.get(), snr }).sent,
                        1e-5,
                        1e-6));
    EXPECT_GT(
        (out.sent - alice_embed(*round_trip, zh, zp, nullptr, { codec.get(), snr }).sent)
            .abs()
            .max()
            .item<double>(),
        1e-3);
    EXPECT_NE(error_of([&] {
                  alice_embed(*net, zh, zp, nullptr, { codec.get(), snr });
              }).find("host images"),
              std::string::npos);
    // The file records it; it needs the round trip.
    EXPECT_TRUE(inn_config::from_json(cfg.to_json()).round_trip_host_detail);
    EXPECT_FALSE(rt_cfg.to_json().contains("round_trip_host_detail"));
    auto without_trip = cfg.to_json();
    without_trip.erase("codec_round_trip");
    EXPECT_NE(error_of([&] { inn_config::from_json(without_trip); }).find("codec_round_trip"),
              std::string::npos);
    // The blocks' facade embeds from host images (it encodes x_h at Alice's SNR itself),
    // and refuses host latents, naming why.
    const auto [codec_path, path] = saved_with_its_codec(*codec, *net, "detail");
    facade::inn alice(path, "auto", nullptr, facade::round_trip_codec { codec_path, 15.0 });
    EXPECT_TRUE(alice.needs_host_image());
    const auto h = latent_to_symbols(zh[1].contiguous().data_ptr<float>(), 512);
    const auto p = latent_to_symbols(zp[1].contiguous().data_ptr<float>(), 512);
    EXPECT_NE(error_of([&] {
                  alice.embed(h.data(), h.size(), p.data(), p.size());
              }).find("host image"),
              std::string::npos);
    const auto x8 = (x * 255).round() / 255; // 8-bit host images, as the blocks carry them
    const auto want
        = alice_embed(*net, codec->encode(x8, snr), zp, nullptr, { codec.get(), snr, x8 })
              .sent;
    const auto host = tensor_to_images(x8)[1];
    const auto container = alice.embed_image(host, p.data(), p.size());
    const auto wanted = latent_to_symbols(want[1].contiguous().data_ptr<float>(), 512);
    ASSERT_EQ(container.size(), wanted.size());
    for (size_t i = 0; i < wanted.size(); i += 5)
        EXPECT_NEAR(std::abs(container[i] - wanted[i]), 0.0, 1e-4) << i;
    EXPECT_NE(error_of([&] {
                  alice.embed_image(host, p.data(), p.size() - 4);
              }).find("private latent has"),
              std::string::npos);
    EXPECT_NE(
        error_of([&] { alice.embed_image(image {}, p.data(), p.size()); }).find("empty"),
        std::string::npos);
    facade::inn bob(path); // no codec: it extracts only
    EXPECT_NE(error_of([&] { bob.embed_image(host, p.data(), p.size()); }).find("round trip"),
              std::string::npos);
    // An INN without the round trip has no codec to encode host images with.
    const auto plain_path = temp_path("detail_plain_inn.st").string();
    auto plain = with_config(net, inn_config { 8, 2, 8, 2.0 });
    save_module(plain_path, *plain, kind_inn, plain->config().to_json());
    facade::inn plain_alice(plain_path);
    EXPECT_FALSE(plain_alice.needs_host_image());
    EXPECT_NE(error_of([&] {
                  plain_alice.embed_image(host, p.data(), p.size());
              }).find("host latents"),
              std::string::npos);
}

TEST(Experiment, KeySweepRunsBobUnderEachRandomKeyOnTheSameNoise)
{
    random_pairs images("experiment_key_images", 4, 6);
    secure_link_models m;
    m.codec = random_codec_pair(16).first;
    inn_config cfg { 8, 2, 8, 2.0 };
    cfg.keyed = true;
    m.stego = inn(cfg);
    randomise(*m.stego, 0.05, 17);
    const auto bob = fixed_snr_channel("awgn", 10);
    EXPECT_NE(error_of([&] {
                  run_key_sweep(m, images.pairs, bob, 2, 4, 1);
              }).find("a keyed INN and its key"),
              std::string::npos);
    m.key = stego_key::generate();
    const auto keys = run_key_sweep(m, images.pairs, bob, 3, 3, 1);
    ASSERT_EQ(keys.size(), 3u);
    EXPECT_NE(keys[0].fingerprint, keys[1].fingerprint);
    EXPECT_EQ(keys[0].bob_psnr.n, 4u);
    EXPECT_EQ(keys[2].bob_ms_ssim.n, 4u);
    // The keys alone differ: a near-identity INN recovers the latent alike under each.
    EXPECT_NEAR(keys[0].bob_psnr.mean, keys[1].bob_psnr.mean, 0.5);
    experiment_result r;
    r.keys = keys;
    const auto csv = key_sweep_csv(r);
    EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 4);
    EXPECT_NE(csv.find(keys[1].fingerprint), std::string::npos);
}

TEST(Experiment, E5RowIsEveRunningHerOwnInnBackwards)
{
    random_pairs images("experiment_e5_images", 4, 4);
    const auto& pairs = images.pairs;

    secure_link_models m;
    m.codec = random_codec_pair(13).first;
    m.stego = inn(inn_config { 8, 2, 8, 2.0 });
    randomise(*m.stego, 0.05, 14);
    eve_table_options o;
    o.bob = o.eve = fixed_snr_channel("awgn", 120); // no noise to speak of
    o.batch = 4;
    EXPECT_TRUE(run_eve_table(m, pairs, o).cells[row_e5_own_inn][observer_eve].psnr.empty());

    // Eve holding Alice's keyless INN as her "own" is Bob: the row is that attack.
    m.eve_inn = m.stego;
    const auto same = run_eve_table(m, pairs, o);
    const auto& eve = same.cells[row_e5_own_inn][observer_eve].psnr;
    const auto& bob = same.cells[row_secure_private][observer_bob].psnr;
    ASSERT_EQ(eve.size(), 4u);
    for (size_t i = 0; i < eve.size(); ++i)
        EXPECT_NEAR(eve[i], bob[i], 0.01) << i;
    // Her pictures are scored against the next pair's private image too (the reference of
    // a picture that knows nothing of its own pair): the same link by hand.
    {
        auto gen = at::detail::createCPUGenerator(o.seed);
        const auto [xh, xp] = pair_batch(pairs, 0, 4);
        const auto r = run_secure_link(m, xh, xp, o.bob, o.eve, gen);
        const auto expected = ms_ssim(r.eve_own_inn, xp.roll(1, 0));
        const auto& others = same.attack_vs_other_private[row_e5_own_inn].ms_ssim;
        ASSERT_EQ(others.size(), 4u);
        for (size_t i = 0; i < 4; ++i)
            EXPECT_NEAR(others[i], expected[i].item<double>(), 1e-9) << i;
        EXPECT_NE(others, same.cells[row_e5_own_inn][observer_eve].ms_ssim);
        EXPECT_TRUE(same.attack_vs_other_private[row_secure_private].ms_ssim.empty());
    }
    // Another INN gives back something else: the row runs hers, not Alice's.
    m.eve_inn = inn(inn_config { 8, 2, 8, 2.0 });
    randomise(**m.eve_inn, 0.3, 15);
    const auto other = run_eve_table(m, pairs, o).cells[row_e5_own_inn][observer_eve].psnr;
    ASSERT_EQ(other.size(), 4u);
    EXPECT_GT(std::abs(other[0] - bob[0]), 0.1);
    // The row is in the tables the programs write, by name.
    experiment_result r;
    r.floor = floor_scores(pairs, 4, nullptr);
    r.tables.push_back(same);
    EXPECT_NE(results_csv(r).find("E5 Eve's own INN, no key (private)"), std::string::npos);
    const auto md = results_markdown(r, "");
    EXPECT_NE(md.find("to another pair's"), std::string::npos) << md;
    EXPECT_NE(results_json(r).dump().find("ms_ssim_own_minus_other_private"),
              std::string::npos);
}
