/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
// The one channel specification (channel.h): its text form and conventions.

#include "test_util.h"

#include <semsteg/channel.h>

#include <gtest/gtest.h>

using semsteg::channel_config;
using semsteg::test::error_of;
using cf = std::complex<float>;

TEST(ChannelSpec, SnrConventionIsEsOverN0PerComplexSymbol)
{
    EXPECT_DOUBLE_EQ(channel_config::noise_variance(10.0), 0.1);
    EXPECT_DOUBLE_EQ(channel_config::noise_variance(0.0), 1.0);
    EXPECT_NEAR(channel_config::noise_variance(-3.0), 1.99526, 1e-5);
}

TEST(ChannelSpec, ParsesTheSimpleForms)
{
    const auto a = channel_config::parse("awgn:-5");
    EXPECT_EQ(a.type, channel_config::kind::awgn);
    EXPECT_EQ(a.snr_db, -5.0);
    EXPECT_FALSE(a.snr_range());
    EXPECT_FALSE(a.has_waveform_impairments());
    const auto r = channel_config::parse("rayleigh:5-20");
    EXPECT_EQ(r.type, channel_config::kind::rayleigh);
    EXPECT_TRUE(r.snr_range());
    EXPECT_EQ(r.snr_high(), 20.0);
    EXPECT_EQ(channel_config::parse("none").type, channel_config::kind::none);
    // Setting snr_db alone never makes a range.
    channel_config c;
    c.snr_db = 3.0;
    EXPECT_FALSE(c.snr_range());
    EXPECT_EQ(c.snr_high(), 3.0);
}

TEST(ChannelSpec, ParsesWaveformImpairments)
{
    const auto c
        = channel_config::parse("awgn:12.5,cfo=-0.25,taps=1;0;0.3j;-0.2+0.1j,timing=0.4");
    EXPECT_EQ(c.snr_db, 12.5);
    EXPECT_EQ(c.cfo_subcarriers, -0.25);
    ASSERT_EQ(c.taps.size(), 4u);
    EXPECT_EQ(c.taps[2], cf(0.0f, 0.3f));
    EXPECT_EQ(c.taps[3], cf(-0.2f, 0.1f));
    EXPECT_EQ(c.timing_offset, 0.4);
    EXPECT_EQ(c.clock_ratio, 1.0);
    EXPECT_TRUE(c.has_waveform_impairments());
    EXPECT_EQ(channel_config::parse("awgn:10,clock=1.0001").clock_ratio, 1.0001);
}

TEST(ChannelSpec, TextFormRoundTrips)
{
    for (const char* text : { "none",
                              "awgn:10",
                              "awgn:0-20",
                              "rayleigh:7.5",
                              "awgn:5,cfo=1.37,taps=1;0;0.3j;-0.2+0.1j,timing=0.4",
                              "awgn:10,clock=1.0001" }) {
        const auto c = channel_config::parse(text);
        EXPECT_EQ(c.to_string(), text);
        const auto again = channel_config::parse(c.to_string());
        EXPECT_EQ(again.taps, c.taps);
        EXPECT_EQ(again.snr_high(), c.snr_high());
    }
}

TEST(ChannelSpec, UnitEnergyTaps)
{
    const auto c = channel_config::parse("awgn:10,taps=3;4j");
    const auto t = c.unit_energy_taps();
    EXPECT_FLOAT_EQ(t[0].real(), 0.6f);
    EXPECT_FLOAT_EQ(t[1].imag(), 0.8f);
    channel_config zero;
    zero.taps = { cf(0.0f), cf(0.0f) };
    EXPECT_NE(error_of([&] { zero.unit_energy_taps(); }).find("no energy"),
              std::string::npos);
}

TEST(ChannelSpec, BadSpecsSayWhy)
{
    const std::pair<const char*, const char*> cases[] = {
        { "awgn", "no SNR" },
        { "awgn:", "not a number" },
        { "awgn:x", "not a number" },
        { "awgn:10dB", "not a number" },
        { "fading:3", "unknown channel type" },
        { "awgn:20-0", "LO <= HI" },
        { "", "empty" },
        { "awgn:10,", "empty" },
        { "awgn:10,cfo", "KEY=VALUE" },
        { "awgn:10,cfo=fast", "cfo is not a number" },
        { "awgn:10,taps=1;x", "tap 'x'" },
        { "awgn:10,taps=0;0", "no energy" },
        { "awgn:10,timing=1.5", "timing" },
        { "awgn:10,clock=0", "clock" },
        { "awgn:10,doppler=3", "unknown setting 'doppler'" },
        { "none,cfo=1", "takes no impairments" },
    };
    for (const auto& [text, why] : cases) {
        const auto msg = error_of([&] { channel_config::parse(text); });
        EXPECT_NE(msg.find(why), std::string::npos) << text << ": " << msg;
    }
}
