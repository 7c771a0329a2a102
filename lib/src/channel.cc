/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <semsteg/channel.h>
#include <semsteg/error.h>

#include <sstream>
#include <stdexcept>

namespace semsteg {

namespace {

//! A whole-string number, or nothing.
bool read_number(const std::string& text, double& out)
{
    try {
        size_t used = 0;
        out = std::stod(text, &used);
        return used == text.size() && std::isfinite(out);
    } catch (const std::logic_error&) {
        return false;
    }
}

//! 1, -0.2, 0.3j, 0.5+0.1j, 0.5-0.1j.
bool read_complex(const std::string& text, std::complex<float>& out)
{
    if (text.empty())
        return false;
    double re = 0.0, im = 0.0;
    if (text.back() == 'j') {
        const std::string body = text.substr(0, text.size() - 1);
        // The imaginary part's sign is the last '+' or '-' not at the start and not
        // after an exponent's 'e'.
        size_t split = std::string::npos;
        for (size_t i = body.size(); i-- > 1;)
            if ((body[i] == '+' || body[i] == '-') && body[i - 1] != 'e'
                && body[i - 1] != 'E') {
                split = i;
                break;
            }
        if (split == std::string::npos) {
            if (!read_number(body.empty() || body == "+" || body == "-" ? body + "1" : body,
                             im))
                return false;
        } else if (!read_number(body.substr(0, split), re)
                   || !read_number(body.substr(split), im)) {
            return false;
        }
    } else if (!read_number(text, re)) {
        return false;
    }
    out = std::complex<float>(static_cast<float>(re), static_cast<float>(im));
    return true;
}

std::string number_text(double v)
{
    std::ostringstream s;
    s << v;
    return s.str();
}

} // namespace

channel_config channel_config::parse(const std::string& text)
{
    channel_config c;
    auto fail = [&](const std::string& why) {
        return error("channel '" + text + "': " + why
                     + " (expected none, awgn:SNR, awgn:LO-HI or rayleigh:SNR in dB, then "
                       "optionally ,cfo=X ,taps=A;B;... ,timing=X ,clock=X)");
    };
    std::vector<std::string> parts;
    {
        std::string part;
        std::istringstream s(text);
        while (std::getline(s, part, ','))
            parts.push_back(part);
        if (parts.empty() || (!text.empty() && text.back() == ','))
            throw fail("empty");
    }
    const std::string& head = parts[0];
    const auto colon = head.find(':');
    const std::string type = head.substr(0, colon);
    if (type == "none" && colon == std::string::npos) {
        c.type = kind::none;
    } else {
        if (colon == std::string::npos)
            throw fail("no SNR");
        if (type == "awgn")
            c.type = kind::awgn;
        else if (type == "rayleigh")
            c.type = kind::rayleigh;
        else
            throw fail("unknown channel type '" + type + "'");
        const std::string snr = head.substr(colon + 1);
        // A '-' after the first character separates a range (the first may be a sign).
        const auto dash = snr.find('-', 1);
        if (!read_number(snr.substr(0, dash), c.snr_db))
            throw fail("the SNR is not a number");
        if (dash != std::string::npos) {
            double high = 0.0;
            if (!read_number(snr.substr(dash + 1), high) || high < c.snr_db)
                throw fail("an SNR range is LO-HI with LO <= HI");
            c.snr_max_db = high;
        }
    }
    for (size_t i = 1; i < parts.size(); ++i) {
        const auto eq = parts[i].find('=');
        const std::string key = parts[i].substr(0, eq);
        const std::string value = eq == std::string::npos ? "" : parts[i].substr(eq + 1);
        if (eq == std::string::npos)
            throw fail("'" + parts[i] + "' is not KEY=VALUE");
        if (key == "cfo") {
            if (!read_number(value, c.cfo_subcarriers))
                throw fail("cfo is not a number");
        } else if (key == "timing") {
            if (!read_number(value, c.timing_offset) || c.timing_offset < 0.0
                || c.timing_offset >= 1.0)
                throw fail("timing is a fractional delay in [0, 1) samples");
        } else if (key == "clock") {
            if (!read_number(value, c.clock_ratio) || !(c.clock_ratio > 0.0))
                throw fail("clock is a positive sample-clock ratio");
        } else if (key == "taps") {
            c.taps.clear();
            std::string tap;
            std::istringstream s(value);
            while (std::getline(s, tap, ';')) {
                std::complex<float> t;
                if (!read_complex(tap, t))
                    throw fail("tap '" + tap + "' is not a number (1, -0.2, 0.3j, 0.5+0.1j)");
                c.taps.push_back(t);
            }
            if (c.taps.empty())
                throw fail("no taps");
            (void)c.unit_energy_taps(); // all zero: refused now
        } else {
            throw fail("unknown setting '" + key + "'");
        }
    }
    if (c.type == kind::none && c.has_waveform_impairments())
        throw fail("'none' takes no impairments");
    return c;
}

std::string channel_config::to_string() const
{
    std::ostringstream s;
    if (type == kind::none) {
        s << "none";
    } else {
        s << (type == kind::awgn ? "awgn:" : "rayleigh:") << number_text(snr_db);
        if (snr_range())
            s << "-" << number_text(*snr_max_db);
    }
    if (cfo_subcarriers != 0.0)
        s << ",cfo=" << number_text(cfo_subcarriers);
    if (taps.size() != 1 || taps[0] != std::complex<float>(1.0f, 0.0f)) {
        s << ",taps=";
        for (size_t i = 0; i < taps.size(); ++i) {
            const double re = taps[i].real(), im = taps[i].imag();
            s << (i ? ";" : "");
            if (im == 0.0)
                s << number_text(re);
            else if (re == 0.0)
                s << number_text(im) << "j";
            else
                s << number_text(re) << (im > 0 ? "+" : "") << number_text(im) << "j";
        }
    }
    if (timing_offset != 0.0)
        s << ",timing=" << number_text(timing_offset);
    if (clock_ratio != 1.0)
        s << ",clock=" << number_text(clock_ratio);
    return s.str();
}

bool channel_config::has_waveform_impairments() const
{
    return cfo_subcarriers != 0.0 || taps.size() != 1 || taps[0] != std::complex<float>(1.0f)
        || timing_offset != 0.0 || clock_ratio != 1.0;
}

} // namespace semsteg
