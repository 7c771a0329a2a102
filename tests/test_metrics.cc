/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
/*
 * PSNR / SSIM / MS-SSIM against fixtures computed by independent implementations
 * (skimage for PSNR and SSIM, numpy/scipy for MS-SSIM):
 * tests/fixtures/make_metric_fixtures.py.
 */
#include <semsteg/error.h>
#include <semsteg/image.h>
#include <semsteg/metrics.h>
#include <semsteg/nn.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <string>
#include <vector>

using namespace semsteg;

namespace {

const std::string fixtures = std::string(SEMSTEG_TEST_FIXTURES) + "/metrics/";
constexpr double tolerance = 1e-3;
// MS-SSIM is computed in single precision: held closer to the references than `tolerance`.
constexpr double ms_ssim_tolerance = 1e-5;

nlohmann::json expected()
{
    std::ifstream in(fixtures + "expected.json");
    if (!in)
        throw std::runtime_error("cannot open " + fixtures + "expected.json");
    return nlohmann::json::parse(in);
}

torch::Tensor load(const std::string& name)
{
    return images_to_tensor({ load_image(fixtures + name) });
}

double item(const at::Tensor& t)
{
    EXPECT_EQ(t.dim(), 1);
    EXPECT_EQ(t.size(0), 1);
    return t.item<double>();
}

} // namespace

TEST(Metrics, FixturesAreThere)
{
    const auto doc = expected();
    ASSERT_GE(doc.at("pairs").size(), 6u);
    EXPECT_DOUBLE_EQ(doc.at("psnr_cap_db").get<double>(), psnr_cap_db);
}

TEST(Metrics, MatchIndependentImplementations)
{
    const auto doc = expected();
    for (const auto& p : doc.at("pairs")) {
        SCOPED_TRACE(p.at("name").get<std::string>());
        const auto a = load(p.at("a").get<std::string>());
        const auto b = load(p.at("b").get<std::string>());
        ASSERT_EQ(a.sizes(), b.sizes());
        ASSERT_EQ(a.size(1), 3);
        ASSERT_EQ(a.size(2), p.at("height").get<int64_t>());
        ASSERT_EQ(a.size(3), p.at("width").get<int64_t>());

        EXPECT_NEAR(item(psnr(a, b)), p.at("psnr").get<double>(), tolerance);
        EXPECT_NEAR(item(ssim(a, b)), p.at("ssim").get<double>(), tolerance);
        EXPECT_NEAR(item(ms_ssim(a, b)), p.at("ms_ssim").get<double>(), ms_ssim_tolerance);
        EXPECT_EQ(ms_ssim_scales(static_cast<int>(std::min(a.size(2), a.size(3)))),
                  p.at("ms_ssim_scales").get<int>());
    }
}

TEST(Metrics, BatchGivesPerImageValues)
{
    // All 64×64 pairs in one batch: each entry must equal the expected single-pair value.
    const auto doc = expected();
    std::vector<image> as, bs;
    std::vector<nlohmann::json> used;
    for (const auto& p : doc.at("pairs"))
        if (p.at("width") == 64 && p.at("height") == 64) {
            as.push_back(load_image(fixtures + p.at("a").get<std::string>()));
            bs.push_back(load_image(fixtures + p.at("b").get<std::string>()));
            used.push_back(p);
        }
    ASSERT_GE(used.size(), 3u);
    const auto a = images_to_tensor(as), b = images_to_tensor(bs);
    const auto ps = psnr(a, b), ss = ssim(a, b), ms = ms_ssim(a, b);
    ASSERT_EQ(ps.sizes(), (std::vector<int64_t> { static_cast<int64_t>(used.size()) }));
    ASSERT_EQ(ss.sizes(), ps.sizes());
    ASSERT_EQ(ms.sizes(), ps.sizes());
    for (size_t i = 0; i < used.size(); ++i) {
        SCOPED_TRACE(used[i].at("name").get<std::string>());
        const auto k = static_cast<int64_t>(i);
        EXPECT_NEAR(ps[k].item<double>(), used[i].at("psnr").get<double>(), tolerance);
        EXPECT_NEAR(ss[k].item<double>(), used[i].at("ssim").get<double>(), tolerance);
        EXPECT_NEAR(
            ms[k].item<double>(), used[i].at("ms_ssim").get<double>(), ms_ssim_tolerance);
    }
}

TEST(Metrics, IdenticalImages)
{
    const auto a = load("identical_a.png");
    const auto b = load("identical_b.png");
    ASSERT_TRUE(torch::equal(a, b));
    EXPECT_EQ(item(psnr(a, b)), psnr_cap_db);
    EXPECT_NEAR(item(ssim(a, b)), 1.0, 1e-6);
    EXPECT_NEAR(item(ms_ssim(a, b)), 1.0, 1e-6);

    torch::manual_seed(3);
    const auto r = torch::rand({ 2, 3, 40, 72 });
    const auto p = psnr(r, r.clone());
    EXPECT_TRUE(torch::isfinite(p).all().item<bool>());
    EXPECT_TRUE(torch::allclose(p, torch::full({ 2 }, psnr_cap_db)));
    EXPECT_TRUE(torch::allclose(ssim(r, r.clone()), torch::ones({ 2 }), 0, 1e-6));
    EXPECT_TRUE(torch::allclose(ms_ssim(r, r.clone()), torch::ones({ 2 }), 0, 1e-6));
}

TEST(Metrics, KnownPsnr)
{
    // A uniform error of 0.1 everywhere: MSE 0.01 -> exactly 20 dB.
    const auto a = torch::full({ 1, 3, 16, 16 }, 0.5);
    EXPECT_NEAR(item(psnr(a, a + 0.1)), 20.0, 1e-4);
    EXPECT_NEAR(item(psnr(a, a - 0.01)), 40.0, 1e-3);
}

TEST(Metrics, Symmetric)
{
    const auto a = load("texture_vs_blurred_a.png");
    const auto b = load("texture_vs_blurred_b.png");
    EXPECT_NEAR(item(psnr(a, b)), item(psnr(b, a)), 1e-6);
    EXPECT_NEAR(item(ssim(a, b)), item(ssim(b, a)), 1e-6);
    EXPECT_NEAR(item(ms_ssim(a, b)), item(ms_ssim(b, a)), 1e-6);
}

TEST(Metrics, NegativeStructureClampsMsSsimToZero)
{
    // The inverted image has negative contrast-structure: SSIM < 0, MS-SSIM exactly 0 (relu),
    // never NaN from a negative base raised to a fractional weight.
    const auto a = load("texture_vs_inverted_a.png");
    const auto b = load("texture_vs_inverted_b.png");
    EXPECT_LT(item(ssim(a, b)), 0.0);
    const double m = item(ms_ssim(a, b));
    EXPECT_FALSE(std::isnan(m));
    EXPECT_EQ(m, 0.0);
}

TEST(Metrics, MismatchedShapesThrow)
{
    const auto a = torch::rand({ 1, 3, 64, 64 });
    const auto b = torch::rand({ 1, 3, 64, 32 });
    EXPECT_THROW(psnr(a, b), semsteg::error);
    EXPECT_THROW(ssim(a, b), semsteg::error);
    EXPECT_THROW(ms_ssim(a, b), semsteg::error);
    const auto c = torch::rand({ 2, 3, 64, 64 });
    EXPECT_THROW(psnr(a, c), semsteg::error);
    EXPECT_THROW(ssim(a, c), semsteg::error);
    EXPECT_THROW(ms_ssim(a, c), semsteg::error);
    const auto d = torch::rand({ 3, 64, 64 }); // not a batch
    EXPECT_THROW(psnr(d, d), semsteg::error);
    EXPECT_THROW(ssim(d, d), semsteg::error);
    EXPECT_THROW(ms_ssim(d, d), semsteg::error);
    try {
        ssim(a, b);
    } catch (const semsteg::error& e) {
        EXPECT_NE(std::string(e.what()).find("32"), std::string::npos) << e.what();
    }
}

TEST(Metrics, TooSmallThrows)
{
    const auto a = torch::rand({ 1, 3, 10, 64 });
    EXPECT_THROW(ssim(a, a), semsteg::error);
    EXPECT_THROW(ms_ssim(a, a), semsteg::error);
    const auto b = torch::rand({ 1, 3, 11, 11 });
    EXPECT_NEAR(item(ssim(b, b)), 1.0, 1e-6);
    EXPECT_NEAR(item(ms_ssim(b, b)), 1.0, 1e-6);
}

TEST(Metrics, Scales)
{
    EXPECT_EQ(ms_ssim_scales(64), 3);
    EXPECT_EQ(ms_ssim_scales(48), 3);
    EXPECT_EQ(ms_ssim_scales(96), 4);
    EXPECT_EQ(ms_ssim_scales(176), 5);
    EXPECT_EQ(ms_ssim_scales(4096), 5);
    EXPECT_EQ(ms_ssim_scales(22), 2);
    EXPECT_EQ(ms_ssim_scales(21), 1);
    EXPECT_EQ(ms_ssim_scales(11), 1);
    EXPECT_EQ(ms_ssim_scales(10), 0);
    EXPECT_EQ(ms_ssim_scales(0), 0);
}
