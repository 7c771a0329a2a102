/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
// metrics.md / metrics.json (receiver_report.h), the report of the demo and the programs.

#include "test_util.h"

#include <semsteg/receiver_report.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;
using json = nlohmann::ordered_json;
using semsteg::test::error_of;

namespace {

std::string read_file(const fs::path& p)
{
    std::ifstream f(p);
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
}

std::vector<semsteg::receiver_scores> two_receivers()
{
    semsteg::receiver_scores bob { "Bob", 3, 28.456, 0.9512, std::nullopt, std::nullopt };
    semsteg::receiver_scores eve { "Eve naive", 3, 9.1, 0.3, 23.0, 0.9 };
    return { bob, eve };
}

} // namespace

TEST(ReceiverReport, TableShowsUnmeasuredScoresAsDashes)
{
    const auto t = semsteg::receiver_table(two_receivers());
    EXPECT_NE(t.find("| Bob | 3 | 28.46 | 0.951 | – | – |"), std::string::npos) << t;
    EXPECT_NE(t.find("| Eve naive | 3 | 9.10 | 0.300 | 23.00 | 0.900 |"), std::string::npos);
}

TEST(ReceiverReport, WritesMarkdownAndJsonInOrder)
{
    const auto dir = semsteg::test::temp_path("receiver_report", "out") / "deeper";
    fs::remove_all(dir.parent_path());
    json extra;
    extra["seconds"] = 1.5;
    extra["bob_channel"] = "AWGN 10 dB";
    extra["inference"] = { { "batches", 4 } };
    const auto table = semsteg::write_receiver_report(
        dir.string(), "gr-semsteg demo", two_receivers(), extra, "Columns: a, b.");
    const auto md = read_file(dir / "metrics.md");
    EXPECT_EQ(md.rfind("# gr-semsteg demo\n\nColumns: a, b.\n\n| receiver |", 0), 0u) << md;
    EXPECT_NE(md.find(table), std::string::npos);
    // The run's facts in the order given, strings as they are, the rest as JSON.
    const auto s = md.find("- seconds: 1.5\n"), c = md.find("- bob_channel: AWGN 10 dB\n"),
               i = md.find("- inference: {\"batches\":4}\n");
    ASSERT_NE(s, std::string::npos);
    ASSERT_NE(c, std::string::npos);
    ASSERT_NE(i, std::string::npos);
    EXPECT_LT(s, c);
    EXPECT_LT(c, i);
    const auto j = json::parse(read_file(dir / "metrics.json"));
    ASSERT_EQ(j["receivers"].size(), 2u);
    EXPECT_EQ(j["receivers"][0]["receiver"], "Bob");
    EXPECT_EQ(j["receivers"][0]["psnr_db_host"], nullptr);
    EXPECT_DOUBLE_EQ(j["receivers"][1]["psnr_db_host"].get<double>(), 23.0);
    EXPECT_EQ(j["bob_channel"], "AWGN 10 dB");
    EXPECT_EQ(j.begin().key(), "receivers");
    fs::remove_all(dir.parent_path());
}

TEST(ReceiverReport, JsonRoundTripAndClearErrors)
{
    const auto eve = two_receivers()[1];
    const auto back = semsteg::receiver_scores::from_json(eve.to_json());
    EXPECT_EQ(back.receiver, eve.receiver);
    EXPECT_EQ(back.images, eve.images);
    EXPECT_EQ(back.ms_ssim_host, eve.ms_ssim_host);
    EXPECT_NE(error_of([] {
                  semsteg::receiver_scores::from_json(json { { "images", 1 } });
              }).find("'receiver' name"),
              std::string::npos);
    EXPECT_NE(error_of([] {
                  semsteg::receiver_scores::from_json(
                      json { { "receiver", "Bob" }, { "images", 1 }, { "psnr_db", "high" } });
              }).find("'psnr_db' must be a number"),
              std::string::npos);
    EXPECT_NE(error_of([] {
                  semsteg::receiver_scores::from_json(
                      json { { "receiver", "Bob" }, { "images", -2 } });
              }).find("'images'"),
              std::string::npos);
    const auto dir = semsteg::test::temp_path("receiver_report", "bad");
    EXPECT_NE(error_of([&] {
                  semsteg::write_receiver_report(dir.string(), "t", {}, json::array());
              }).find("JSON object"),
              std::string::npos);
    EXPECT_NE(error_of([&] {
                  semsteg::write_receiver_report(
                      dir.string(), "t", {}, json { { "receivers", 1 } });
              }).find("'receivers'"),
              std::string::npos);
}
