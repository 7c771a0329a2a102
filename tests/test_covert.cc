/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
// Covertness on synthetic latents: the statistics a steganalyst reads, the distribution gap
// the INN is trained on, the adversary ensemble, the statistical steganalyst and ROC AUC.
#include <semsteg/covert.h>
#include <semsteg/error.h>
#include <semsteg/threads.h>

#include <gtest/gtest.h>

#include <filesystem>

using namespace semsteg;

namespace {

class Covert : public ::testing::Test
{
protected:
    static void SetUpTestSuite() { set_torch_threads(1); }
    void SetUp() override { torch::manual_seed(7); }

    // Plain: white Gaussian latents. "Containers": the same plus a faint checkerboard (a
    // high-frequency pattern at 1/4 of the latent's power), the kind of trace a mosaic
    // leaves in the spectrum while barely moving the per-channel means.
    static torch::Tensor plain(int64_t n) { return torch::randn({ n, 4, 8, 8 }); }
    static torch::Tensor marked(int64_t n)
    {
        auto ij = torch::arange(8);
        auto checker = ((ij.unsqueeze(1) + ij.unsqueeze(0)) % 2).to(torch::kFloat) * 2 - 1;
        return torch::randn({ n, 4, 8, 8 }) + 0.5 * checker;
    }
};

} // namespace

TEST_F(Covert, StatisticsOfWhiteNoise)
{
    const auto z = torch::randn({ 256, 4, 16, 16 });
    const auto s = latent_statistics(z);
    ASSERT_EQ(s.sizes(), (std::vector<int64_t> { 256, 4 * (3 + spectrum_bands) + 6 }));
    const auto m = s.mean(0);
    for (int c = 0; c < 4; ++c) {
        EXPECT_NEAR(m[c].item<double>(), 0.0, 0.02) << "mean, channel " << c;
        EXPECT_NEAR(m[4 + c].item<double>(), 1.0, 0.02) << "variance, channel " << c;
        // The sample excess kurtosis of 256 values is biased low by ~6/257.
        EXPECT_NEAR(m[8 + c].item<double>(), 0.0, 0.1) << "excess kurtosis, channel " << c;
    }
    // A flat spectrum: every band's log power near log(1) (the DC band is one |mean|²-ish
    // term, so only the upper bands are tight).
    for (int64_t k = 12 + 4; k < 12 + 4 * spectrum_bands; ++k)
        EXPECT_NEAR(m[k].item<double>(), 0.0, 0.1) << "log band power, feature " << k;
    // Independent channels: every pair's correlation near 0 (256 positions: sd 1/16).
    for (int64_t k = 12 + 4 * spectrum_bands; k < s.size(1); ++k)
        EXPECT_NEAR(m[k].item<double>(), 0.0, 0.02) << "channel correlation, feature " << k;
    // Two channels that move together: their correlation, and only theirs, near 1.
    auto joint = torch::randn({ 8, 4, 16, 16 });
    joint.select(1, 2).copy_(joint.select(1, 1) * 2.0 + 0.01 * torch::randn({ 8, 16, 16 }));
    const auto sj = latent_statistics(joint).mean(0);
    const auto names = latent_statistic_names(4);
    for (int64_t k = 12 + 4 * spectrum_bands; k < s.size(1); ++k) {
        const bool pair12 = names[static_cast<size_t>(k)] == "ch1-ch2 correlation";
        EXPECT_NEAR(sj[k].item<double>(), pair12 ? 1.0 : 0.0, pair12 ? 1e-3 : 0.15)
            << names[static_cast<size_t>(k)];
    }
    EXPECT_THROW(latent_statistics(torch::randn({ 4, 8 })), error);
}

TEST_F(Covert, StatisticsGapSeesTheMarkAndTeaches)
{
    const auto a = plain(128);
    EXPECT_NEAR(statistics_gap(a, a).item<double>(), 0.0, 1e-6);
    const double same = statistics_gap(plain(128), a).item<double>();
    const double mark = statistics_gap(marked(128), a).item<double>();
    EXPECT_GT(mark, 5 * same) << "same distribution " << same << ", marked " << mark;

    // Descending the gap removes the mark.
    auto c = marked(128).requires_grad_(true);
    torch::optim::Adam opt({ c }, torch::optim::AdamOptions(0.05));
    const double before = statistics_gap(c, a).item<double>();
    for (int i = 0; i < 100; ++i) {
        opt.zero_grad();
        statistics_gap(c, a).backward();
        opt.step();
    }
    EXPECT_LT(statistics_gap(c, a).item<double>(), 0.2 * before);

    // From statistics computed once (training reads them for two terms): the same value.
    const auto m = marked(64);
    EXPECT_NEAR(statistics_gap_of(latent_statistics(m), latent_statistics(a)).item<double>(),
                statistics_gap(m, a).item<double>(),
                1e-5);
    EXPECT_THROW(statistics_gap_of(latent_statistics(m), latent_statistics(a).slice(1, 1)),
                 error);
}

// Fisher's distance weighs shifts as a linear detector does: two strongly correlated
// statistics moved apart (against their correlation) are far easier to detect than the
// same per-statistic shift along it, which a per-statistic gap cannot tell apart.
TEST_F(Covert, StatisticsDiscriminantWeighsShiftsAsALinearDetectorDoes)
{
    const int64_t n = 4000;
    const auto common = torch::randn({ n, 1 });
    const auto p = torch::cat(
        { common, 0.9 * common + std::sqrt(1 - 0.81) * torch::randn({ n, 1 }) }, 1);
    const auto along = p + torch::tensor({ 0.3, 0.3 });
    const auto against = p + torch::tensor({ 0.3, -0.3 });
    // Analytic: Δμᵀ Σ⁻¹ Δμ with Σ = [[1, .9], [.9, 1]]: 2·0.09/1.9 and 2·0.09/0.1.
    const double d_along = statistics_discriminant(along, p).item<double>();
    const double d_against = statistics_discriminant(against, p).item<double>();
    EXPECT_NEAR(d_along, 0.18 / 1.9, 0.02);
    // The 10 % shrinkage towards the diagonal lowers the anti-correlated case's value.
    EXPECT_GT(d_against, 0.18 / 0.19);
    EXPECT_LT(d_against, 0.18 / 0.1 * 1.05);
    EXPECT_GT(d_against, 8 * d_along);
    EXPECT_NEAR(statistics_discriminant(p, p).item<double>(), 0.0, 1e-9);

    // With a covariance given, the batch's own is not used: Σ = 2·I gives |Δμ|²/2 (up to
    // the floor), whatever the eight samples' own spread.
    const auto few_c = against.slice(0, 0, 8), few_p = p.slice(0, 0, 8);
    const double delta2 = (few_c.mean(0) - few_p.mean(0)).pow(2).sum().item<double>();
    EXPECT_NEAR(statistics_discriminant(few_c, few_p, 2 * torch::eye(2)).item<double>(),
                delta2 / 2,
                1e-2 * delta2);
    EXPECT_THROW(statistics_discriminant(p, p, torch::eye(3)), error);
    EXPECT_THROW(statistics_discriminant(p, p.slice(1, 0, 1)), error);

    // Descending it on real latents' statistics removes the mark; the gradient flows into
    // the containers only.
    auto c = marked(128).requires_grad_(true);
    const auto a = plain(128);
    running_covariance cov;
    cov.update(latent_statistics(a));
    torch::optim::Adam opt({ c }, torch::optim::AdamOptions(0.05));
    const double before
        = statistics_discriminant(latent_statistics(c), latent_statistics(a), cov.value())
              .item<double>();
    for (int i = 0; i < 100; ++i) {
        opt.zero_grad();
        statistics_discriminant(latent_statistics(c), latent_statistics(a), cov.value())
            .backward();
        opt.step();
    }
    EXPECT_LT(statistics_discriminant(latent_statistics(c), latent_statistics(a), cov.value())
                  .item<double>(),
              0.1 * before);
}

TEST_F(Covert, RunningCovarianceConverges)
{
    running_covariance cov(0.9);
    EXPECT_FALSE(cov.value().defined());
    const auto mix = torch::tensor({ 1.0, 0.0, 0.5, 2.0 }).view({ 2, 2 }); // Σ = AᵀA
    for (int i = 0; i < 400; ++i)
        cov.update(torch::randn({ 16, 2 }).matmul(mix) + 3.0);
    EXPECT_EQ(cov.updates(), 400);
    const auto want = mix.t().matmul(mix).to(torch::kDouble);
    EXPECT_LT((cov.value() - want).abs().max().item<double>(), 0.35) << cov.value();
    EXPECT_THROW(cov.update(torch::randn({ 4, 3 })), error);
    EXPECT_THROW(running_covariance(1.0), error);
}

TEST_F(Covert, TellingStatisticsNameTheMark)
{
    const auto names = latent_statistic_names(4);
    ASSERT_EQ(static_cast<int64_t>(names.size()), latent_statistics(plain(2)).size(1));
    EXPECT_EQ(names[4], "ch0 variance");
    EXPECT_EQ(names[12 + spectrum_bands + 1], "ch1 band 1 log power");
    // The checkerboard sits at the highest spatial frequency: each channel's top band.
    const auto top = telling_statistics(plain(300), marked(300), 4);
    ASSERT_EQ(top.size(), 4u);
    const std::string top_band = "band " + std::to_string(spectrum_bands - 1) + " log power";
    for (const auto& t : top) {
        EXPECT_NE(t.name.find(top_band), std::string::npos) << t.name;
        EXPECT_GT(t.auc, 0.9) << t.name;
    }
    EXPECT_EQ(telling_statistics(plain(10), marked(10), 1000).size(), names.size());
}

TEST_F(Covert, RocAuc)
{
    EXPECT_DOUBLE_EQ(roc_auc(torch::tensor({ 0.0, 1.0 }), torch::tensor({ 0.5, 2.0 })), 0.75);
    EXPECT_DOUBLE_EQ(roc_auc(torch::tensor({ 0.0, 1.0 }), torch::tensor({ 2.0, 3.0 })), 1.0);
    EXPECT_DOUBLE_EQ(roc_auc(torch::tensor({ 2.0, 3.0 }), torch::tensor({ 0.0, 1.0 })), 0.0);
    EXPECT_DOUBLE_EQ(roc_auc(torch::tensor({ 1.0, 1.0 }), torch::tensor({ 1.0 })), 0.5);
    // Chunking (more than 1,024 positives) changes nothing.
    const auto neg = torch::randn({ 3000 }), pos = torch::randn({ 2500 }) + 1;
    const double pairwise
        = (pos.unsqueeze(1) > neg.unsqueeze(0)).to(torch::kDouble).mean().item<double>();
    EXPECT_NEAR(roc_auc(neg, pos), pairwise, 1e-12);
    EXPECT_THROW(roc_auc(torch::zeros({ 0 }), pos), error);
}

// channel_auc names the channel a detector reads: a "detector" that looks only at channel 2's
// power sees the mark there and nothing (exactly ½: the same scores) in the other channels.
TEST_F(Covert, ChannelAucNamesTheChannelTheDetectorReads)
{
    const auto clean = plain(200);
    auto containers = clean.clone();
    containers.select(1, 2).mul_(1.5); // louder
    containers.select(1, 0).add_(3.0); // a mark the detector does not look at
    int calls = 0;
    auto channel2_power = [&](const torch::Tensor& x) {
        ++calls;
        return x.select(1, 2).pow(2).mean({ 1, 2 });
    };
    const auto auc = channel_auc(channel2_power, clean, containers, 64);
    ASSERT_EQ(auc.size(), 4u);
    EXPECT_GT(auc[2], 0.7);
    for (size_t c : { 0u, 1u, 3u })
        EXPECT_DOUBLE_EQ(auc[c], 0.5) << "channel " << c;
    EXPECT_EQ(calls, 5 * 4); // plain + 4 hybrids, each in 4 batches of at most 64
    EXPECT_THROW(channel_auc(channel2_power, clean, containers.slice(0, 0, 10), 64), error);
    EXPECT_THROW(channel_auc(channel2_power, clean, containers, 0), error);
}

// The leave-one-out probe says which channels a detector needs. The channel-2 power
// "detector" needs channel 2 alone: made plain there, the containers score exactly as the
// plain signals (½); made plain anywhere else, they keep the all-channel AUC.
TEST_F(Covert, ChannelAucWithoutNamesTheChannelsTheDetectorNeeds)
{
    const auto clean = plain(200);
    auto containers = clean.clone();
    containers.select(1, 2).mul_(1.5);
    containers.select(1, 0).add_(3.0);
    auto channel2_power = [](const torch::Tensor& x) {
        return x.select(1, 2).pow(2).mean({ 1, 2 });
    };
    const double all = roc_auc(channel2_power(clean), channel2_power(containers));
    const auto without
        = channel_auc(channel2_power, clean, containers, 64, channel_probe::without_channel);
    ASSERT_EQ(without.size(), 4u);
    EXPECT_GT(all, 0.7);
    EXPECT_DOUBLE_EQ(without[2], 0.5);
    for (size_t c : { 0u, 1u, 3u })
        EXPECT_DOUBLE_EQ(without[c], all) << "channel " << c;
}

// Structure across channels (the keyed INN's case): containers whose channels 1 and 3 share
// one noise, read by a correlation "detector". No channel alone shows it (only_channel near
// ½ everywhere), yet the detector needs channels 1 and 3 and nothing else.
TEST_F(Covert, ChannelProbesTellCrossChannelStructureFromNoStructure)
{
    const auto clean = plain(300);
    auto containers = clean.clone();
    const auto shared = torch::randn({ 300, 8, 8 });
    containers.select(1, 1).copy_(shared);
    containers.select(1, 3).copy_(shared);
    auto correlation13 = [](const torch::Tensor& x) {
        return (x.select(1, 1) * x.select(1, 3)).mean({ 1, 2 });
    };
    const auto only = channel_auc(correlation13, clean, containers, 100);
    const auto without
        = channel_auc(correlation13, clean, containers, 100, channel_probe::without_channel);
    ASSERT_EQ(only.size(), 4u);
    ASSERT_EQ(without.size(), 4u);
    for (size_t c = 0; c < 4; ++c)
        EXPECT_LT(std::abs(only[c] - 0.5), 0.1) << "channel " << c;
    EXPECT_LT(std::abs(without[1] - 0.5), 0.1);
    EXPECT_LT(std::abs(without[3] - 0.5), 0.1);
    EXPECT_GT(without[0], 0.99);
    EXPECT_GT(without[2], 0.99);
}

TEST_F(Covert, BestThresholdCallsTheMostScoresRight)
{
    const auto t = [](std::vector<double> neg, std::vector<double> pos) {
        return best_threshold(torch::tensor(neg, torch::kDouble),
                              torch::tensor(pos, torch::kDouble));
    };
    // Apart: between the highest negative and the lowest positive.
    EXPECT_DOUBLE_EQ(t({ -3, -2, -1 }, { 4, 5 }), 1.5);
    // Shifted from the training's 0: the threshold follows the scores.
    EXPECT_DOUBLE_EQ(t({ -9, -8 }, { -6, -5 }), -7.0);
    // One negative among the positives costs one call; the best split stays below it.
    EXPECT_DOUBLE_EQ(t({ 0, 1, 2, 7 }, { 5, 6, 8, 9 }), 3.5);
    // Equal scores fall on one side: no threshold splits a tie.
    EXPECT_DOUBLE_EQ(t({ 1, 1, 1 }, { 1, 2 }), 1.5);
    // Nothing to find: a threshold that calls every score one thing is as good as any.
    const double none = t({ 1, 2 }, { 1, 2 });
    EXPECT_TRUE(none < 1 || none > 2) << none;

    // Drawn scores: the threshold found on one draw is near the crossing of the two
    // densities (0 for N(-1, 1) against N(1, 1)), and on a fresh draw it calls about
    // Φ(1) = 0.84 of the scores right.
    torch::manual_seed(3);
    const auto neg = torch::randn({ 4000 }, torch::kDouble) - 1;
    const auto pos = torch::randn({ 4000 }, torch::kDouble) + 1;
    const double th = best_threshold(neg, pos);
    EXPECT_LT(std::abs(th), 0.25) << th;
    const auto fresh_neg = torch::randn({ 4000 }, torch::kDouble) - 1;
    const auto fresh_pos = torch::randn({ 4000 }, torch::kDouble) + 1;
    const double acc
        = ((fresh_neg <= th).sum().item<double>() + (fresh_pos > th).sum().item<double>())
        / 8000.0;
    EXPECT_NEAR(acc, 0.841, 0.015);

    EXPECT_THROW(best_threshold(torch::zeros({ 0 }), torch::ones({ 3 })), error);
    EXPECT_THROW(best_threshold(torch::tensor({ 0.0, std::nan("") }), torch::ones({ 3 })),
                 error);
}

TEST_F(Covert, PooledDetectionAddsUpEvidenceOverTransmissions)
{
    // One transmission: every cutting is the scores themselves.
    const auto neg = torch::tensor({ -2.0, -1.0, 0.5, -0.5 }, torch::kDouble);
    const auto pos = torch::tensor({ 1.0, -0.25, 2.0, 3.0 }, torch::kDouble);
    const auto one = pool_detection(neg, pos, 1, 5, 7);
    EXPECT_EQ(one.transmissions, 1);
    EXPECT_EQ(one.groups, 4);
    EXPECT_DOUBLE_EQ(one.roc_auc, roc_auc(neg, pos));
    EXPECT_DOUBLE_EQ(one.accuracy, 6.0 / 8.0); // 0.5 and -0.25 on the wrong side of 0
    // All the signals of a kind in one decision: their means, -0.75 and 1.4375, apart.
    const auto all = pool_detection(neg, pos, 4, 3, 7);
    EXPECT_EQ(all.groups, 1);
    EXPECT_DOUBLE_EQ(all.accuracy, 1.0);
    EXPECT_DOUBLE_EQ(all.roc_auc, 1.0);

    // Gaussian logits N(∓d′/2, 1) with d′ = 1: one signal gives AUC Φ(d′/√2) = 0.760 and
    // accuracy Φ(d′/2) = 0.691; the mean of 4 has d′ = 2: AUC Φ(√2) = 0.921, accuracy
    // Φ(1) = 0.841; of 16, d′ = 4: 0.9977 and 0.977 (tolerances ~3σ of the draw).
    torch::manual_seed(5);
    const auto gneg = torch::randn({ 4000 }, torch::kDouble) - 0.5;
    const auto gpos = torch::randn({ 4000 }, torch::kDouble) + 0.5;
    const auto p1 = pool_detection(gneg, gpos, 1, 1, 1);
    EXPECT_NEAR(p1.roc_auc, 0.760, 0.015);
    EXPECT_NEAR(p1.accuracy, 0.691, 0.015);
    const auto p4 = pool_detection(gneg, gpos, 4, 20, 1);
    EXPECT_EQ(p4.groups, 1000);
    EXPECT_NEAR(p4.roc_auc, 0.921, 0.015);
    EXPECT_NEAR(p4.accuracy, 0.841, 0.025);
    const auto p16 = pool_detection(gneg, gpos, 16, 20, 1);
    EXPECT_NEAR(p16.roc_auc, 0.9977, 0.004);
    EXPECT_NEAR(p16.accuracy, 0.977, 0.02);
    // Deterministic for a seed; another seed cuts differently.
    EXPECT_DOUBLE_EQ(pool_detection(gneg, gpos, 4, 3, 9).roc_auc,
                     pool_detection(gneg, gpos, 4, 3, 9).roc_auc);
    EXPECT_NE(pool_detection(gneg, gpos, 4, 3, 9).roc_auc,
              pool_detection(gneg, gpos, 4, 3, 10).roc_auc);

    EXPECT_THROW(pool_detection(neg, pos, 0, 1, 1), error);
    EXPECT_THROW(pool_detection(neg, pos, 5, 1, 1), error); // more than the scores
    EXPECT_THROW(pool_detection(neg, pos, 2, 0, 1), error);
}

TEST_F(Covert, StatisticalSteganalystGeneralisesAndIsNotFooledByChance)
{
    statistical_steganalyst s;
    EXPECT_THROW(s.score(plain(4)), error);
    s.fit(plain(400), marked(400));
    // Scored on fresh draws, never on what it was fitted on.
    EXPECT_GT(roc_auc(s.score(plain(400)), s.score(marked(400))), 0.95);
    const auto logits = torch::cat({ s.score(plain(400)), s.score(marked(400)) });
    const auto labels = torch::cat({ torch::zeros({ 400 }), torch::ones({ 400 }) });
    EXPECT_GT(
        ((logits > 0).to(torch::kFloat) == labels).to(torch::kFloat).mean().item<double>(),
        0.9);

    statistical_steganalyst chance;
    chance.fit(plain(400), plain(400)); // nothing to find
    const double auc = roc_auc(chance.score(plain(400)), chance.score(plain(400)));
    EXPECT_GT(auc, 0.4);
    EXPECT_LT(auc, 0.6);
}

// The steganalyst on features of the caller's (the calibrated one's): on latent_statistics
// it is the steganalyst on the signals; features of another width are refused.
TEST_F(Covert, StatisticalSteganalystTakesFeaturesOfTheCallers)
{
    torch::manual_seed(12);
    const auto p = plain(200), m = marked(200);
    statistical_steganalyst on_signals, on_features;
    on_signals.fit(p, m);
    on_features.fit_features(latent_statistics(p), latent_statistics(m));
    const auto fresh = marked(50);
    EXPECT_TRUE(torch::allclose(on_signals.score(fresh),
                                on_features.score_features(latent_statistics(fresh)),
                                1e-4,
                                1e-4));
    const auto f = latent_statistics(p).size(1);
    EXPECT_THROW(on_features.score_features(torch::zeros({ 3, f + 1 })), error);
    EXPECT_THROW(on_features.score_features(torch::zeros({ f })), error);
    statistical_steganalyst s;
    EXPECT_THROW(s.score_features(torch::zeros({ 3, f })), error);
    EXPECT_THROW(s.fit_features(torch::zeros({ 10, f }), torch::zeros({ 10, f + 1 })), error);
    EXPECT_THROW(s.fit_features(torch::zeros({ 1, f }), torch::zeros({ 10, f })), error);
}

TEST_F(Covert, AdversariesLearnAndTheEvasionTermFoolsThem)
{
    detector_ensemble adv(3, detector_config { 4, 8 }, 3e-3, torch::kCPU);
    EXPECT_EQ(adv.size(), 3);
    EXPECT_DOUBLE_EQ(adv.strongest_accuracy(), 0.5);
    for (int i = 0; i < 150; ++i)
        adv.train_step(plain(32), marked(32));
    EXPECT_GT(adv.strongest_accuracy(), 0.9);
    EXPECT_GT(adv.accuracy(plain(200), marked(200)), 0.9);

    // The evasion term's gradient moves containers to where the detectors say "plain".
    auto c = marked(200).requires_grad_(true);
    const auto p = plain(200);
    const double before = adv.accuracy(p, c.detach());
    torch::optim::Adam opt({ c }, torch::optim::AdamOptions(0.05));
    for (int i = 0; i < 60; ++i) {
        opt.zero_grad();
        adv.evasion_loss(c).backward();
        opt.step();
    }
    EXPECT_LT(adv.accuracy(p, c.detach()), before - 0.2);

    // Against all members: their mean term, never above the strongest's, and it fools them
    // too.
    auto d = marked(200).requires_grad_(true);
    const double strongest_term = adv.evasion_loss(d).item<double>();
    const double mean_term = adv.evasion_loss(d, true).item<double>();
    EXPECT_LE(mean_term, strongest_term + 1e-9);
    EXPECT_GT(mean_term, 0.0);
    torch::optim::Adam opt_all({ d }, torch::optim::AdamOptions(0.05));
    for (int i = 0; i < 60; ++i) {
        opt_all.zero_grad();
        adv.evasion_loss(d, true).backward();
        opt_all.step();
    }
    EXPECT_LT(adv.accuracy(p, d.detach()), before - 0.2);

    // Resumed with the run: weights and running accuracies; a different count is refused.
    const auto path = (std::filesystem::temp_directory_path()
                       / ("semsteg_test_adv_" + std::to_string(::getpid())))
                          .string();
    adv.save(path);
    detector_ensemble again(3, detector_config { 4, 8 }, 3e-3, torch::kCPU);
    again.load(path);
    EXPECT_DOUBLE_EQ(again.strongest_accuracy(), adv.strongest_accuracy());
    const auto q = plain(64), m = marked(64);
    EXPECT_DOUBLE_EQ(again.accuracy(q, m), adv.accuracy(q, m));
    detector_ensemble two(2, detector_config { 4, 8 }, 3e-3, torch::kCPU);
    EXPECT_THROW(two.load(path), error);
    std::filesystem::remove(path);

    // A refresh replaces the weakest member only: the strongest stays.
    const double strongest = adv.strongest_accuracy();
    adv.refresh_weakest();
    EXPECT_DOUBLE_EQ(adv.strongest_accuracy(), strongest);
    EXPECT_THROW(detector_ensemble(0, detector_config { 4, 8 }, 1e-3, torch::kCPU), error);
}
