/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
// The experiment library without torch (experiment.h): statistics, pairing and the writers,
// on hand-made results whose every number is known.

#include "test_util.h"

#include <semsteg/error.h>
#include <semsteg/experiment.h>

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace fs = std::filesystem;
using nlohmann::json;
using semsteg::test::error_of;

namespace {

fs::path temp(const std::string& name)
{
    return semsteg::test::temp_path("experiment", name);
}

std::string read_file(const fs::path& p)
{
    std::ifstream f(p);
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
}

std::vector<std::string> lines_of(const std::string& text)
{
    std::vector<std::string> out;
    std::istringstream s(text);
    for (std::string line; std::getline(s, line);)
        out.push_back(line);
    return out;
}

//! Fields of one CSV line (quoted fields may hold commas and doubled quotes).
std::vector<std::string> csv_fields(const std::string& line)
{
    std::vector<std::string> out(1);
    bool quoted = false;
    for (size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (quoted && c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
            out.back() += '"';
            ++i;
        } else if (c == '"') {
            quoted = !quoted;
        } else if (c == ',' && !quoted) {
            out.emplace_back();
        } else {
            out.back() += c;
        }
    }
    return out;
}

semsteg::image flat(int side, float v)
{
    semsteg::image im(side, side);
    std::fill(im.rgb.begin(), im.rgb.end(), v);
    return im;
}

/*!
 * Two pairs, one Eve SNR. Bob's PSNR 30 and 32 (mean 31, se 1), Eve's naive MS-SSIM to the
 * private image 0.3 and 0.5 against a floor of 0.2 and 0.4 (leakage +0.1, se 0), the
 * detector right on 3 of 4 signals, no MIA, no LPIPS, a keyless INN (no E4 rows).
 */
semsteg::experiment_result two_pair_result()
{
    semsteg::experiment_result r;
    auto& s = r.setup;
    s.codec = "codec.safetensors";
    s.inn = "inn.safetensors";
    s.detector = "detector.safetensors";
    s.lost_part = "auto (zeros)";
    s.codec_config = json { { "channels", 8 } };
    s.inn_config = json { { "channels", 8 } };
    s.side = 64;
    s.ms_ssim_scales = 3;
    s.seed = 5;
    s.batch = 2;
    s.bob_snr_db = 10;
    s.eve_snrs_db = { 12.5 };
    s.torch_threads = 1;
    s.privates = { "/faces", "0:2", 0.9888, 2, 1, { "/faces/broken.png" } };
    s.pairs = 2;
    r.floor.psnr = { 9.0, 11.0 };
    r.floor.ssim = { 0.1, 0.3 };
    r.floor.ms_ssim = { 0.2, 0.4 };
    semsteg::eve_table t;
    t.eve_snr_db = 12.5;
    for (int row : { semsteg::row_baseline, semsteg::row_secure_private }) {
        auto& bob = t.cells[row][semsteg::observer_bob];
        bob.psnr = { 30.0, 32.0 };
        bob.ssim = { 0.9, 0.9 };
        bob.ms_ssim = { 0.95, 0.97 };
    }
    for (int row :
         { semsteg::row_baseline, semsteg::row_secure_private, semsteg::row_secure_host }) {
        auto& eve = t.cells[row][semsteg::observer_eve];
        eve.psnr = { 10.0, 12.0 };
        eve.ssim = { 0.2, 0.4 };
        eve.ms_ssim = { 0.3, 0.5 };
    }
    t.detector_plain_ok = 2;
    t.detector_container_ok = 1;
    t.detector_signals = 2;
    t.detector_auc = 0.75;
    r.tables.push_back(t);
    for (int snr = 0; snr <= 4; snr += 2) {
        semsteg::sweep_point p;
        p.snr_db = snr;
        p.pairs = 2;
        p.baseline = semsteg::summarize({ 20.0 + snr, 22.0 + snr });
        p.bob = semsteg::summarize({ 19.0 + snr, 21.0 + snr });
        r.sweep.push_back(p);
    }
    r.sweep_pairs = 2;
    r.grid.pairs = 2;
    for (auto* row : { &r.grid.host, &r.grid.privates, &r.grid.bob, &r.grid.eve }) {
        row->push_back(flat(8, 0.2f));
        row->push_back(flat(8, 0.8f));
    }
    r.eval_s = 3;
    r.total_s = 4;
    return r;
}

} // namespace

// ---------------------------------------------------------------- statistics

TEST(ExperimentStatistics, MeanAndStandardError)
{
    const auto s = semsteg::summarize({ 1.0, 2.0, 3.0, 4.0 });
    EXPECT_EQ(s.n, 4u);
    EXPECT_DOUBLE_EQ(s.mean, 2.5);
    // sample sd = sqrt(5/3); se = sd / 2
    EXPECT_NEAR(s.se, std::sqrt(5.0 / 3.0) / 2.0, 1e-12);
    EXPECT_TRUE(s.measured());
}

TEST(ExperimentStatistics, OneValueHasNoStandardErrorAndNoneIsNotMeasured)
{
    const auto one = semsteg::summarize({ 7.0 });
    EXPECT_DOUBLE_EQ(one.mean, 7.0);
    EXPECT_TRUE(std::isnan(one.se));
    const auto none = semsteg::summarize(std::vector<double> {});
    EXPECT_FALSE(none.measured());
    EXPECT_TRUE(std::isnan(none.mean));
}

TEST(ExperimentStatistics, Proportion)
{
    const auto p = semsteg::proportion(3, 4);
    EXPECT_DOUBLE_EQ(p.mean, 0.75);
    EXPECT_NEAR(p.se, std::sqrt(0.75 * 0.25 / 4.0), 1e-12);
    EXPECT_EQ(p.n, 4u);
    EXPECT_FALSE(semsteg::proportion(0, 0).measured());
    EXPECT_NE(error_of([] { semsteg::proportion(5, 4); }), "");
}

TEST(ExperimentStatistics, PairedDifference)
{
    const auto d = semsteg::paired_difference({ 0.3, 0.5, 0.9 }, { 0.2, 0.4, 0.5 });
    EXPECT_NEAR(d.mean, 0.2, 1e-12);
    EXPECT_EQ(d.n, 3u);
    EXPECT_NE(error_of([] {
                  semsteg::paired_difference({ 1.0 }, { 1.0, 2.0 });
              }).find("pairs must match"),
              std::string::npos);
}

// ---------------------------------------------------------------- pairing

class ExperimentPairing : public ::testing::Test
{
protected:
    fs::path dir;
    void SetUp() override
    {
        dir = temp(::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(dir);
        fs::create_directories(dir);
    }
    void TearDown() override { fs::remove_all(dir); }
    void write_images(int count)
    {
        for (int i = 0; i < count; ++i)
            semsteg::save_png((dir / ("img" + std::to_string(i) + ".png")).string(),
                              flat(16, static_cast<float>(i) / static_cast<float>(count)));
    }
};

TEST_F(ExperimentPairing, NeverItsOwnHostAndRepeatable)
{
    write_images(5);
    semsteg::image_set::options opts;
    const auto privates = semsteg::image_set::from_folder(dir.string(), opts, "0:5");
    // The hosts overlap the privates (the same files through another range).
    const auto hosts = semsteg::image_set::from_folder(dir.string(), opts, "2:5");
    const auto pairs = semsteg::draw_image_pairs(hosts, privates, 200, 9);
    ASSERT_EQ(pairs.size(), 200u);
    std::set<size_t> used_privates;
    for (const auto& [h, p] : pairs) {
        ASSERT_LT(h, hosts.size());
        ASSERT_LT(p, privates.size());
        EXPECT_NE(fs::weakly_canonical(hosts.path(h)),
                  fs::weakly_canonical(privates.path(p)));
        used_privates.insert(p);
    }
    EXPECT_EQ(used_privates.size(), privates.size());
    EXPECT_EQ(semsteg::draw_image_pairs(hosts, privates, 200, 9), pairs);
    EXPECT_NE(semsteg::draw_image_pairs(hosts, privates, 200, 10), pairs);
}

TEST_F(ExperimentPairing, OneImageInAllIsRefused)
{
    write_images(1);
    const auto one = semsteg::image_set::from_folder(dir.string(), {}, ":");
    EXPECT_NE(
        error_of([&] { semsteg::draw_image_pairs(one, one, 3, 1); }).find("one image in all"),
        std::string::npos);
}

TEST_F(ExperimentPairing, PairsCsvNamesTheImagesAndQuotes)
{
    write_images(2);
    fs::rename(dir / "img1.png", dir / "a,b\"c.png");
    const auto set = semsteg::image_set::from_folder(dir.string(), {}, ":");
    semsteg::image_pairs pairs;
    pairs.hosts = pairs.privates = &set;
    pairs.pairs = { { 0, 1 }, { 1, 0 } };
    const auto lines = lines_of(semsteg::pairs_csv(pairs));
    ASSERT_EQ(lines.size(), 3u);
    EXPECT_EQ(lines[0], "pair,host,private");
    const auto f = csv_fields(lines[1]);
    ASSERT_EQ(f.size(), 3u);
    EXPECT_EQ(f[0], "0");
    EXPECT_EQ(f[1], set.path(0));
    EXPECT_EQ(f[2], set.path(1));
    // The file with a comma and a quote in its name round-trips through the quoting.
    EXPECT_NE((set.path(0) + set.path(1)).find("a,b\"c.png"), std::string::npos);
    EXPECT_NE(lines[1].find("a,b\"\"c.png\""), std::string::npos);
}

// ---------------------------------------------------------------- writers

TEST(ExperimentWriters, CsvHasOneLinePerRowAndEveryColumn)
{
    const auto r = two_pair_result();
    const auto lines = lines_of(semsteg::results_csv(r));
    // header + baseline, secure private, secure host (keyless: no E4 rows; no extractor)
    ASSERT_EQ(lines.size(), 4u);
    const auto header = csv_fields(lines[0]);
    EXPECT_EQ(header.size(), 6u + 3u * 8u + 4u + 2u + 4u);
    for (size_t i = 1; i < lines.size(); ++i)
        EXPECT_EQ(csv_fields(lines[i]).size(), header.size()) << lines[i];
    auto column = [&](const std::string& name) {
        for (size_t i = 0; i < header.size(); ++i)
            if (header[i] == name)
                return i;
        ADD_FAILURE() << "no column " << name;
        return size_t { 0 };
    };
    const auto secure = csv_fields(lines[2]);
    EXPECT_EQ(secure[column("row")], "Secure (private)");
    EXPECT_EQ(secure[column("eve_snr_db")], "12.5");
    EXPECT_EQ(secure[column("bob_psnr")], "31.00000");
    EXPECT_EQ(secure[column("bob_psnr_se")], "1.00000");
    EXPECT_EQ(secure[column("eve_naive_leakage")], "0.10000");
    EXPECT_EQ(secure[column("detector_accuracy")], "0.75000");
    EXPECT_EQ(secure[column("eve_mia_psnr")], ""); // no MIA: empty, not zero
    const auto host = csv_fields(lines[3]);
    EXPECT_EQ(host[column("compared_to")], "host");
    EXPECT_EQ(host[column("bob_psnr")], ""); // Bob is not after the host
    EXPECT_EQ(host[column("eve_naive_leakage")], "");
}

TEST(ExperimentWriters, CsvQuotesARowNameWithAComma)
{
    auto r = two_pair_result();
    r.setup.extractor_row = "E7 extractor, 1000 known pairs (private)";
    r.tables[0].cells[semsteg::row_e4_no_key][semsteg::observer_eve].ms_ssim = { 0.1, 0.2 };
    r.tables[0].cells[semsteg::row_e4_no_key][semsteg::observer_eve].psnr = { 9.0, 9.0 };
    r.tables[0].cells[semsteg::row_extractor][semsteg::observer_eve].ms_ssim = { 0.1, 0.2 };
    r.tables[0].cells[semsteg::row_extractor][semsteg::observer_eve].psnr = { 9.0, 9.0 };
    const auto csv = semsteg::results_csv(r);
    EXPECT_NE(csv.find("\"E7 extractor, 1000 known pairs (private)\""), std::string::npos);
    EXPECT_NE(csv.find("\"E4 INN, no key (private)\""), std::string::npos);
    // The other E4 rows have no scores: absent.
    EXPECT_EQ(csv.find("E4 INN, random key"), std::string::npos);
}

TEST(ExperimentWriters, JsonKeepsStandardErrorsAndNullsForWhatWasNotMeasured)
{
    const auto j = semsteg::results_json(two_pair_result());
    EXPECT_EQ(j["settings"]["mia"], nullptr);
    EXPECT_EQ(j["settings"]["eve_snr_db"], json::array({ 12.5 }));
    EXPECT_EQ(j["data"]["private_skipped_files"], json::array({ "/faces/broken.png" }));
    EXPECT_EQ(j["data"]["hosts_same_pool"], true);
    EXPECT_EQ(j["data"]["host_images"], 2);
    EXPECT_DOUBLE_EQ(j["floor"]["ms_ssim"]["mean"].get<double>(), 0.3);
    EXPECT_EQ(j["floor"]["lpips"], nullptr);
    ASSERT_EQ(j["tables"].size(), 1u);
    const auto& t = j["tables"][0];
    EXPECT_EQ(t["detector"]["plain_called_plain"], 2);
    EXPECT_DOUBLE_EQ(t["detector"]["accuracy"]["mean"].get<double>(), 0.75);
    EXPECT_EQ(t["statistical_steganalyst"], nullptr);
    ASSERT_EQ(t["rows"].size(), 3u);
    const auto& secure = t["rows"][1];
    EXPECT_EQ(secure["key"], "secure_private");
    EXPECT_DOUBLE_EQ(secure["bob"]["psnr"]["mean"].get<double>(), 31.0);
    EXPECT_DOUBLE_EQ(secure["bob"]["psnr"]["se"].get<double>(), 1.0);
    EXPECT_EQ(secure["eve_mia"], nullptr);
    EXPECT_NEAR(
        secure["leakage_ms_ssim_above_floor"]["eve_naive"]["mean"].get<double>(), 0.1, 1e-12);
    EXPECT_EQ(t["rows"][2]["bob"], nullptr);
    EXPECT_EQ(t["rows"][2]["leakage_ms_ssim_above_floor"], nullptr);
    ASSERT_EQ(j["snr_sweep"].size(), 3u);
    EXPECT_DOUBLE_EQ(j["snr_sweep"][2]["secure_bob_psnr"]["mean"].get<double>(), 24.0);
    EXPECT_EQ(j["snr_sweep"][0]["eve_mia_psnr_host"], nullptr);
}

TEST(ExperimentWriters, MarkdownTable)
{
    const auto md = semsteg::results_markdown(two_pair_result(), "a plot note");
    EXPECT_NE(md.find("## Eve SNR 12.5 dB (Bob 10 dB, awgn, 2 pairs)"), std::string::npos);
    EXPECT_NE(md.find("| Secure (private) | 31.00 ± 1.00 | 0.900 ± 0.000 | 0.960 ± 0.010 | "
                      "11.00 ± 1.00 | 0.400 ± 0.100 | not measured | not measured | "
                      "not measured | 0.750 ± 0.217 |"),
              std::string::npos)
        << md;
    EXPECT_NE(md.find("| Secure (host) | – | – | – |"), std::string::npos);
    EXPECT_NE(md.find("secure naive +0.100 ± 0.000"), std::string::npos);
    EXPECT_NE(md.find("2/2 plain host signals called plain, 1/2 containers"),
              std::string::npos);
    EXPECT_NE(md.find("2 read, 1 unreadable skipped"), std::string::npos);
    EXPECT_NE(md.find("plot: a plot note"), std::string::npos);
    EXPECT_EQ(md.find("E4 INN"), std::string::npos);
    EXPECT_EQ(md.find("statistical steganalyst"), std::string::npos);
}

TEST(ExperimentWriters, TheDetectorAtItsRefittedThresholdIsReportedBesideTheTrainingOne)
{
    auto r = two_pair_result();
    EXPECT_EQ(semsteg::results_json(r)["tables"][0]["detector"]["refitted_threshold"],
              nullptr);
    EXPECT_EQ(semsteg::results_markdown(r, "").find("refitted"), std::string::npos);
    r.setup.statistical_fit = "400 pairs of /faces [9000:9500]";
    auto& t = r.tables[0];
    t.detector_refit_threshold = -1.25;
    t.detector_refit_plain_ok = 1;
    t.detector_refit_container_ok = 2;
    const auto j = semsteg::results_json(r)["tables"][0]["detector"];
    EXPECT_DOUBLE_EQ(j["refitted_threshold"]["threshold"].get<double>(), -1.25);
    EXPECT_DOUBLE_EQ(j["refitted_threshold"]["accuracy"]["mean"].get<double>(), 0.75);
    EXPECT_EQ(j["refitted_threshold"]["containers_called_containers"], 2);
    EXPECT_EQ(j["refitted_threshold"]["fitted_on"], "400 pairs of /faces [9000:9500]");
    EXPECT_DOUBLE_EQ(j["accuracy"]["mean"].get<double>(), 0.75); // the training's, unchanged
    const auto md = semsteg::results_markdown(r, "");
    EXPECT_NE(md.find("- detector, its threshold refitted at this SNR on the fit pairs (400 "
                      "pairs of /faces [9000:9500]: -1.250 on the logit): 1/2 plain called "
                      "plain, 2/2 containers called containers, accuracy 0.750 ± 0.217"),
              std::string::npos)
        << md;
}

TEST(ExperimentWriters, TheDetectorOverSeveralTransmissionsIsReportedWhenMeasured)
{
    auto r = two_pair_result();
    EXPECT_TRUE(semsteg::results_json(r)["tables"][0]["detector"]["pooled"].empty());
    EXPECT_EQ(semsteg::results_markdown(r, "").find("transmissions"), std::string::npos);
    auto& t = r.tables[0];
    t.detector_pooled.push_back({ 4, 50, 0.9125, 0.96875 });
    t.detector_pooled.push_back({ 16, 12, 0.99, 1.0 });
    const auto j = semsteg::results_json(r)["tables"][0]["detector"]["pooled"];
    ASSERT_EQ(j.size(), 2u);
    EXPECT_EQ(j[0]["transmissions"], 4);
    EXPECT_EQ(j[0]["groups"], 50);
    EXPECT_EQ(j[0]["shufflings"], semsteg::pooled_detection_shufflings);
    EXPECT_DOUBLE_EQ(j[0]["accuracy"].get<double>(), 0.9125);
    EXPECT_DOUBLE_EQ(j[1]["roc_auc"].get<double>(), 1.0);
    const auto md = semsteg::results_markdown(r, "");
    EXPECT_NE(
        md.find("- detector over N transmissions of one link (its mean logit over N "
                "signals of a kind, threshold 0; disjoint groups, the mean of 200 "
                "shufflings): N = 4: accuracy 0.912, ROC AUC 0.969 (50 decisions of each "
                "kind); N = 16: accuracy 0.990, ROC AUC 1.000 (12 decisions of each kind)"),
        std::string::npos)
        << md;
}

TEST(ExperimentWriters, TheCalibratedSteganalystIsReportedWhenMeasured)
{
    auto r = two_pair_result();
    EXPECT_EQ(semsteg::results_json(r)["tables"][0]["calibrated_steganalyst"], nullptr);
    EXPECT_EQ(semsteg::results_markdown(r, "").find("calibrated"), std::string::npos);
    r.setup.statistical_fit = "400 pairs of /faces [9000:9500]";
    auto& t = r.tables[0];
    t.have_calibrated = true;
    t.calibrated_accuracy = 0.8125;
    t.calibrated_auc = 0.875;
    t.calibrated_telling = { { "residual ch3 variance", 0.9375 } };
    const auto j = semsteg::results_json(r)["tables"][0]["calibrated_steganalyst"];
    EXPECT_DOUBLE_EQ(j["accuracy"].get<double>(), 0.8125);
    EXPECT_DOUBLE_EQ(j["roc_auc"].get<double>(), 0.875);
    EXPECT_EQ(j["fitted_on"], "400 pairs of /faces [9000:9500]");
    const auto md = semsteg::results_markdown(r, "");
    EXPECT_NE(
        md.find("- calibrated steganalyst (E10: the same statistics of the received "
                "signal and of what the public codec cannot explain in it, y − E(D(y)), "
                "D at Eve's SNR, E at Bob's; fitted on 400 pairs of /faces "
                "[9000:9500]): accuracy 0.812, ROC AUC 0.875"),
        std::string::npos)
        << md;
}

TEST(ExperimentWriters, MarkdownWithLpipsAddsItsColumns)
{
    auto r = two_pair_result();
    r.setup.lpips = "lpips.pt";
    r.tables[0].cells[semsteg::row_secure_private][semsteg::observer_bob].lpips
        = { 0.1, 0.3 };
    const auto md = semsteg::results_markdown(r, "");
    EXPECT_NE(md.find("| Bob LPIPS |"), std::string::npos);
    EXPECT_NE(md.find("| 0.200 ± 0.100 |"), std::string::npos);
    EXPECT_NE(md.find("LPIPS `lpips.pt`"), std::string::npos);
}

TEST(ExperimentWriters, SweepCsvAndGnuplotScript)
{
    auto r = two_pair_result();
    const auto lines = lines_of(semsteg::sweep_csv(r));
    ASSERT_EQ(lines.size(), 4u);
    EXPECT_EQ(csv_fields(lines[0]).size(), 14u);
    EXPECT_EQ(lines[2].substr(0, 23), "2,2,23.0000,1.0000,22.0");
    const auto gp = semsteg::sweep_gnuplot_script(r, "/tmp/it's here");
    EXPECT_NE(gp.find("set output '/tmp/it''s here/snr_sweep.png'"), std::string::npos);
    EXPECT_EQ(gp.find("Eve MIA"), std::string::npos);
    r.setup.mia = "mia.safetensors";
    EXPECT_NE(semsteg::sweep_gnuplot_script(r, "/x").find("Eve MIA"), std::string::npos);
}

TEST(ExperimentWriters, GridHasAColumnPerPairAndARowPerObserver)
{
    const auto g = semsteg::results_grid(two_pair_result().grid);
    EXPECT_EQ(g.width, 2 * 8 + 2);
    EXPECT_EQ(g.height, 4 * 8 + 3 * 2);
    EXPECT_NE(error_of([] { semsteg::results_grid({}); }), "");
}

TEST(ExperimentWriters, WriteExperimentWithoutGnuplotSaysSo)
{
    const auto dir = temp("write");
    fs::remove_all(dir);
    fs::create_directories(dir);
    std::string warned;
    const auto md = semsteg::write_experiment(
        two_pair_result(),
        dir.string(),
        [&](const std::string& w) { warned = w; },
        (dir / "no-gnuplot").string());
    EXPECT_NE(warned.find("not found: no snr_sweep.png"), std::string::npos);
    EXPECT_NE(md.find(warned), std::string::npos);
    for (const char* f : { "grid.png",
                           "snr_sweep.csv",
                           "snr_sweep.gp",
                           "results.md",
                           "results.csv",
                           "results.json" })
        EXPECT_TRUE(fs::is_regular_file(dir / f)) << f;
    EXPECT_FALSE(fs::exists(dir / "snr_sweep.png"));
    EXPECT_EQ(read_file(dir / "results.md"), md);
    EXPECT_NO_THROW(EXPECT_TRUE(json::parse(read_file(dir / "results.json")).is_object()));
    fs::remove_all(dir);
}

TEST(ExperimentWriters, WriteExperimentIntoAMissingFolderFailsClearly)
{
    const auto dir = temp("missing") / "deeper";
    fs::remove_all(dir.parent_path());
    EXPECT_NE(error_of([&] {
                  semsteg::write_experiment(two_pair_result(), dir.string(), {}, "/nothing");
              }),
              "");
}
